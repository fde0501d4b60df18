import { solvePow, type PowPuzzle } from '../../../../libs/auth/src/pow-solver.js';

/** The challenge as `get` sends it (`pow`), and what check / managed take back (`powSolution`). */
export interface PowChallenge extends PowPuzzle {
  signature: string;
}

export interface PowResult {
  /** ALTCHA payload: base64(JSON {algorithm, challenge, number, salt, signature}). */
  payload: string;
  number: number;
  /** Wall-clock milliseconds the search took. */
  ms: number;
  workers: number;
}

interface Job {
  puzzle: PowPuzzle;
  start: number;
  step: number;
}

/**
 * In a Web Worker, this same script answers solve jobs (the widget starts workers as a blob that
 * imports the widget's own URL, which works from any page origin).
 */
export function serveWorkerJobs(): boolean {
  const scope = globalThis as unknown as {
    document?: unknown;
    postMessage?: (m: unknown) => void;
    addEventListener?: (t: string, f: (e: MessageEvent<Job>) => void) => void;
  };
  if (
    typeof scope.document !== 'undefined' ||
    typeof scope.postMessage !== 'function' ||
    typeof scope.addEventListener !== 'function'
  )
    return false;
  scope.addEventListener('message', (event) => {
    const { puzzle, start, step } = event.data;
    scope.postMessage!({ number: solvePow(puzzle, start, step) });
  });
  return true;
}

function payloadOf(challenge: PowChallenge, number: number): string {
  return btoa(
    JSON.stringify({
      algorithm: challenge.algorithm,
      challenge: challenge.challenge,
      number,
      salt: challenge.salt,
      signature: challenge.signature,
    }),
  );
}

/** On the page itself (no Worker available): in slices, so the page stays responsive. */
async function solveOnPage(challenge: PowChallenge): Promise<number | null> {
  const slice = 50_000;
  for (let from = 0; from <= challenge.maxnumber; from += slice) {
    const found = solvePow({ ...challenge, maxnumber: Math.min(challenge.maxnumber, from + slice - 1) }, from, 1);
    if (found !== null) return found;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return null;
}

/**
 * Solves a challenge with one Web Worker per core (at most 4; worker i of n tries i, i+n, …), so
 * the person's wait is the script's CPU time divided by the cores. Falls back to the page.
 */
export async function solveChallenge(challenge: PowChallenge, scriptUrl: string): Promise<PowResult> {
  const started = performance.now();
  const cores = Math.max(1, Math.min(4, (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 2));
  let workers: Worker[] = [];
  try {
    if (!scriptUrl || typeof Worker === 'undefined') throw new Error('no workers');
    const blob = URL.createObjectURL(
      new Blob([`importScripts(${JSON.stringify(scriptUrl)});`], { type: 'application/javascript' }),
    );
    workers = Array.from({ length: cores }, () => new Worker(blob));
    URL.revokeObjectURL(blob);
    const number = await new Promise<number | null>((resolve, reject) => {
      let pending = workers.length;
      workers.forEach((worker, i) => {
        worker.onmessage = (event: MessageEvent<{ number: number | null }>) => {
          if (event.data.number !== null) resolve(event.data.number);
          else if (--pending === 0) resolve(null);
        };
        worker.onerror = (event) => {
          event.preventDefault();
          reject(new Error('worker failed'));
        };
        worker.postMessage({
          puzzle: {
            algorithm: challenge.algorithm,
            challenge: challenge.challenge,
            maxnumber: challenge.maxnumber,
            salt: challenge.salt,
          },
          start: i,
          step: workers.length,
        } satisfies Job);
      });
    });
    if (number === null) throw new Error('no solution');
    return { payload: payloadOf(challenge, number), number, ms: performance.now() - started, workers: workers.length };
  } catch {
    for (const worker of workers.splice(0)) worker.terminate();
    const number = await solveOnPage(challenge);
    if (number === null) throw new Error('proof of work has no solution');
    return { payload: payloadOf(challenge, number), number, ms: performance.now() - started, workers: 0 };
  } finally {
    for (const worker of workers) worker.terminate();
  }
}
