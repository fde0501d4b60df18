/** Pure rules that decide whether an answer is right (unit-tested; no I/O). */

export interface Point {
  x: number;
  y: number;
}

function isPoint(value: unknown): value is Point {
  const p = value as Point;
  return typeof p === 'object' && p !== null && Number.isFinite(p.x) && Number.isFinite(p.y);
}

/**
 * blockPuzzle: the piece's left edge `x` (in the 310-px image's coordinates) within `tolerance`
 * px of the gap. `y` is not compared: AJ-Captcha clients send a constant (the piece only moves
 * sideways), and the piece strip shows the row anyway.
 */
export function blockPuzzleCorrect(answer: Point, submitted: unknown, tolerance: number): boolean {
  return isPoint(submitted) && Math.abs(submitted.x - answer.x) <= tolerance;
}

/** clickWord: exactly one click per character, in order, each within `radius` px of its centre. */
export function clickWordCorrect(answer: Point[], submitted: unknown, radius: number): boolean {
  if (!Array.isArray(submitted) || submitted.length !== answer.length) return false;
  return answer.every((target, i) => {
    const click = submitted[i];
    return isPoint(click) && Math.hypot(click.x - target.x, click.y - target.y) <= radius;
  });
}

/** A drag sample: [milliseconds since the drag started, x, y] in image pixels. */
export type TrajectorySample = [number, number, number];

export type TrajectoryVerdict = { ok: true } | { ok: false; reason: string };

/**
 * The drag trajectory, a risk signal (docs: "Trajectory rules"). Rejected when it is:
 * malformed or longer than 500 samples; shorter than 4 samples; faster than 120 ms in total;
 * ending more than 12 px from the submitted x; with time going backwards; or a perfectly
 * straight, constant-speed line (no vertical wobble at all and speed varying by less than 5 %),
 * which is what a script's synthetic drag looks like.
 */
export function checkTrajectory(trajectory: unknown, submittedX: number): TrajectoryVerdict {
  if (!Array.isArray(trajectory) || trajectory.length > 500) return { ok: false, reason: 'malformed trajectory' };
  const samples = trajectory as unknown[];
  if (!samples.every((s) => Array.isArray(s) && s.length === 3 && s.every((v) => Number.isFinite(v)))) return { ok: false, reason: 'malformed trajectory' };
  const points = samples as TrajectorySample[];
  if (points.length < 4) return { ok: false, reason: 'too few samples' };
  for (let i = 1; i < points.length; i++) if (points[i]![0] < points[i - 1]![0]) return { ok: false, reason: 'time goes backwards' };
  const duration = points[points.length - 1]![0] - points[0]![0];
  if (duration < 120) return { ok: false, reason: 'drag too fast' };
  if (Math.abs(points[points.length - 1]![1] - submittedX) > 12) return { ok: false, reason: 'trajectory does not end at the answer' };
  const ys = points.map((p) => p[2]);
  const wobble = Math.max(...ys) - Math.min(...ys);
  const speeds: number[] = [];
  for (let i = 1; i < points.length; i++) {
    const dt = points[i]![0] - points[i - 1]![0];
    if (dt > 0) speeds.push((points[i]![1] - points[i - 1]![1]) / dt);
  }
  const mean = speeds.reduce((a, b) => a + b, 0) / Math.max(1, speeds.length);
  const sd = Math.sqrt(speeds.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, speeds.length));
  if (wobble === 0 && speeds.length >= 3 && Math.abs(mean) > 0 && sd / Math.abs(mean) < 0.05) return { ok: false, reason: 'synthetic straight-line drag' };
  return { ok: true };
}
