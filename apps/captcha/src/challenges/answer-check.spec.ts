import { describe, expect, it } from '@jest/globals';
import { blockPuzzleCorrect, checkTrajectory, clickWordCorrect, type TrajectorySample } from './answer-check.js';

describe('blockPuzzle tolerance', () => {
  const answer = { x: 120, y: 40 };
  it.each([
    [{ x: 120, y: 5 }, true],
    [{ x: 125, y: 5 }, true],
    [{ x: 115.0, y: 99 }, true],
    [{ x: 125.5, y: 5 }, false],
    [{ x: 114, y: 5 }, false],
    [{ x: '120', y: 5 }, false],
    [[{ x: 120, y: 5 }], false],
    [null, false],
  ])('%j → %s with tolerance 5', (submitted, expected) => {
    expect(blockPuzzleCorrect(answer, submitted, 5)).toBe(expected);
  });
});

describe('clickWord order and radius', () => {
  const answer = [
    { x: 30, y: 30 },
    { x: 150, y: 80 },
    { x: 260, y: 40 },
  ];
  it('accepts every click near its character, in order', () => {
    expect(
      clickWordCorrect(
        answer,
        [
          { x: 35, y: 28 },
          { x: 140, y: 90 },
          { x: 260, y: 40 },
        ],
        20,
      ),
    ).toBe(true);
  });
  it('refuses the right places in the wrong order, a missing click, a far click', () => {
    expect(clickWordCorrect(answer, [answer[1], answer[0], answer[2]], 20)).toBe(false);
    expect(clickWordCorrect(answer, answer.slice(0, 2), 20)).toBe(false);
    expect(
      clickWordCorrect(
        answer,
        [
          { x: 30, y: 30 },
          { x: 150, y: 101 },
          { x: 260, y: 40 },
        ],
        20,
      ),
    ).toBe(false);
    expect(clickWordCorrect(answer, { x: 1, y: 2 }, 20)).toBe(false);
  });
});

describe('trajectory rules', () => {
  const human: TrajectorySample[] = [
    [0, 0, 5],
    [40, 8, 6],
    [90, 30, 6],
    [160, 70, 7],
    [230, 101, 6],
    [300, 118, 5],
    [380, 121, 5],
  ];
  it('accepts a human-looking drag', () => {
    expect(checkTrajectory(human, 120)).toEqual({ ok: true });
  });
  it('refuses a straight, constant-speed drag', () => {
    const robot: TrajectorySample[] = Array.from({ length: 10 }, (_, i) => [i * 30, i * 13, 5]);
    expect(checkTrajectory(robot, 117)).toEqual({ ok: false, reason: 'synthetic straight-line drag' });
  });
  it('refuses an instant drag, too few samples, a drag ending elsewhere, garbage', () => {
    expect(
      checkTrajectory(
        human.map(([t, x, y]) => [t / 10, x, y]),
        120,
      ),
    ).toMatchObject({ ok: false, reason: 'drag too fast' });
    expect(checkTrajectory(human.slice(0, 3), 120)).toMatchObject({ ok: false, reason: 'too few samples' });
    expect(checkTrajectory(human, 200)).toMatchObject({ ok: false });
    expect(checkTrajectory('x', 120)).toMatchObject({ ok: false });
    expect(checkTrajectory([[0, 'a', 1]], 120)).toMatchObject({ ok: false });
  });
  it('refuses a constant-speed drag even with vertical wobble (a script adding noise to y only)', () => {
    const steady: TrajectorySample[] = Array.from({ length: 12 }, (_, i) => [i * 20, i * 10, 5 + (i % 3)]);
    expect(checkTrajectory(steady, 110)).toEqual({ ok: false, reason: 'constant speed' });
  });
  it('refuses a drag without jitter even at varying speed, and an inhumanly slow one', () => {
    const flat: TrajectorySample[] = human
      .concat([
        [420, 380, 5],
        [470, 382, 5],
      ])
      .map(([t, x]) => [t, x, 5]);
    expect(checkTrajectory(flat, 382)).toEqual({ ok: false, reason: 'no jitter' });
    expect(
      checkTrajectory(
        human.map(([t, x, y]) => [t * 200, x, y]),
        380,
      ),
    ).toEqual({ ok: false, reason: 'drag too slow' });
  });
  it('accepts a person-like drag: easing in and out, jitter, uneven sampling', () => {
    const eased: TrajectorySample[] = Array.from({ length: 25 }, (_, i) => {
      const p = i / 24;
      return [
        Math.round(i * 16 + (i % 4) * 3),
        Math.round(200 * (1 - (1 - p) ** 3) * 10) / 10,
        6 + Math.round(Math.sin(i * 1.7) * 15) / 10,
      ];
    });
    expect(checkTrajectory(eased, 200)).toEqual({ ok: true });
  });
});
