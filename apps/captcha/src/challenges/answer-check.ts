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

/** Trajectory rule thresholds (docs: README "Trajectory rules"). */
export const TRAJECTORY_RULES = {
  maxSamples: 500,
  minSamples: 4,
  /** A person's drag across the picture takes longer than this… */
  minDurationMs: 150,
  /** …and not this long (a script replaying slowly, or a drag left hanging). */
  maxDurationMs: 60_000,
  /** The last sample within this many px of the submitted x. */
  endTolerancePx: 12,
  /** Speed varying by less than this (standard deviation / mean, over 4+ moves): a machine's steady drag. */
  minSpeedVariation: 0.1,
  /** Samples without any vertical movement at all from which the drag counts as drawn by a script. */
  jitterlessSamples: 8,
} as const;

/**
 * The drag trajectory, a risk signal, checked whenever a client sends one (the widget always
 * does). Refused when it is: malformed or longer than 500 samples; shorter than 4 samples; with
 * time going backwards; faster than 150 ms or slower than 60 s in total (inhuman duration);
 * ending more than 12 px from the submitted x; at constant speed (over 4+ moves, the speed's
 * standard deviation under 10 % of its mean); or without jitter (8+ samples and not one pixel of
 * vertical movement). A hand on a mouse, pen or finger accelerates, slows down and wobbles.
 */
export function checkTrajectory(trajectory: unknown, submittedX: number): TrajectoryVerdict {
  const rules = TRAJECTORY_RULES;
  if (!Array.isArray(trajectory) || trajectory.length > rules.maxSamples)
    return { ok: false, reason: 'malformed trajectory' };
  const samples = trajectory as unknown[];
  if (!samples.every((s) => Array.isArray(s) && s.length === 3 && s.every((v) => Number.isFinite(v))))
    return { ok: false, reason: 'malformed trajectory' };
  const points = samples as TrajectorySample[];
  if (points.length < rules.minSamples) return { ok: false, reason: 'too few samples' };
  for (let i = 1; i < points.length; i++)
    if (points[i]![0] < points[i - 1]![0]) return { ok: false, reason: 'time goes backwards' };
  const duration = points[points.length - 1]![0] - points[0]![0];
  if (duration < rules.minDurationMs) return { ok: false, reason: 'drag too fast' };
  if (duration > rules.maxDurationMs) return { ok: false, reason: 'drag too slow' };
  if (Math.abs(points[points.length - 1]![1] - submittedX) > rules.endTolerancePx)
    return { ok: false, reason: 'trajectory does not end at the answer' };
  const ys = points.map((p) => p[2]);
  const wobble = Math.max(...ys) - Math.min(...ys);
  const speeds: number[] = [];
  for (let i = 1; i < points.length; i++) {
    const dt = points[i]![0] - points[i - 1]![0];
    if (dt > 0) speeds.push((points[i]![1] - points[i - 1]![1]) / dt);
  }
  const mean = speeds.reduce((a, b) => a + b, 0) / Math.max(1, speeds.length);
  const sd = Math.sqrt(speeds.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, speeds.length));
  const steady = speeds.length >= 4 && Math.abs(mean) > 0 && sd / Math.abs(mean) < rules.minSpeedVariation;
  if (wobble === 0 && steady) return { ok: false, reason: 'synthetic straight-line drag' };
  if (steady) return { ok: false, reason: 'constant speed' };
  if (wobble === 0 && points.length >= rules.jitterlessSamples) return { ok: false, reason: 'no jitter' };
  return { ok: true };
}
