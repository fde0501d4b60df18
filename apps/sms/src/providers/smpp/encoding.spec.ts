import { describe, expect, it } from '@jest/globals';
import { DATA_CODING_GSM, DATA_CODING_UCS2, ESM_CLASS_UDHI, encodeSms, isGsm7 } from './encoding.js';

/** The payload of a segment without its UDH. */
function payload(segment: { shortMessage: Buffer; esmClass: number }): Buffer {
  return segment.esmClass & ESM_CLASS_UDHI
    ? segment.shortMessage.subarray(segment.shortMessage[0]! + 1)
    : segment.shortMessage;
}

function ucs2Text(bytes: Buffer): string {
  return Buffer.from(bytes).swap16().toString('utf16le');
}

describe('encodeSms', () => {
  it('sends ASCII as one unpacked GSM-7 segment', () => {
    const encoded = encodeSms('Your code is 123456', 7);
    expect(encoded.dataCoding).toBe(DATA_CODING_GSM);
    expect(encoded.segments).toHaveLength(1);
    expect(encoded.segments[0]!.esmClass).toBe(0);
    expect(encoded.segments[0]!.shortMessage).toEqual(Buffer.from('Your code is 123456', 'ascii'));
  });

  it('maps GSM characters that differ from ASCII to their septets', () => {
    // @ is septet 0, _ is 0x11, £ is 0x01, é is 0x05.
    expect(encodeSms('@_£é', 0).segments[0]!.shortMessage).toEqual(Buffer.from([0x00, 0x11, 0x01, 0x05]));
  });

  it('sends Chinese as UCS2 (big-endian)', () => {
    const encoded = encodeSms('验证码 123456', 0);
    expect(encoded.dataCoding).toBe(DATA_CODING_UCS2);
    expect(encoded.segments[0]!.shortMessage).toEqual(
      Buffer.from([
        0x9a, 0x8c, 0x8b, 0xc1, 0x78, 0x01, 0x00, 0x20, 0x00, 0x31, 0x00, 0x32, 0x00, 0x33, 0x00, 0x34, 0x00, 0x35,
        0x00, 0x36,
      ]),
    );
  });

  it('keeps 70 UCS2 characters in one segment and splits 71 into 67 + 4', () => {
    expect(encodeSms('码'.repeat(70), 0).segments).toHaveLength(1);
    const split = encodeSms('码'.repeat(71), 0);
    expect(split.segments.map((s) => payload(s).length / 2)).toEqual([67, 4]);
  });

  it('keeps 160 GSM septets in one segment and splits 161 into 153 + 8', () => {
    expect(encodeSms('a'.repeat(160), 0).segments).toHaveLength(1);
    const split = encodeSms('a'.repeat(161), 0);
    expect(split.dataCoding).toBe(DATA_CODING_GSM);
    expect(split.segments.map((s) => payload(s).length)).toEqual([153, 8]);
  });

  it('counts extension characters (€ [) as two septets', () => {
    expect(isGsm7('€[]{}~^|\\')).toBe(true);
    expect(encodeSms('€', 0).segments[0]!.shortMessage).toEqual(Buffer.from([0x1b, 0x65]));
    expect(encodeSms('['.repeat(80), 0).segments).toHaveLength(1);
    expect(encodeSms('a' + '['.repeat(80), 0).segments).toHaveLength(2);
  });

  it('never splits a GSM escape sequence across parts', () => {
    // 152 plain septets then €: the escape would be septet 153 and its partner 154.
    const encoded = encodeSms('a'.repeat(152) + '€' + 'b'.repeat(10), 0);
    const parts = encoded.segments.map(payload);
    expect(parts[0]).toHaveLength(152);
    expect(parts[1]!.subarray(0, 2)).toEqual(Buffer.from([0x1b, 0x65]));
  });

  it('never splits a surrogate pair (emoji) across parts', () => {
    // 66 code units then an emoji (2 units): it must move whole to part 2.
    const text = '码'.repeat(66) + '😀' + '码'.repeat(10);
    const encoded = encodeSms(text, 0);
    expect(encoded.dataCoding).toBe(DATA_CODING_UCS2);
    const parts = encoded.segments.map(payload);
    expect(parts[0]!.length / 2).toBe(66);
    expect(parts.map(ucs2Text).join('')).toBe(text);
    expect(ucs2Text(parts[1]!).startsWith('😀')).toBe(true);
  });

  it('puts one concatenation header per part: same reference, total, sequence 1..n, UDHI set', () => {
    const encoded = encodeSms('验'.repeat(150), 0x1a3);
    expect(encoded.segments).toHaveLength(3);
    encoded.segments.forEach((segment, i) => {
      expect(segment.esmClass).toBe(ESM_CLASS_UDHI);
      expect([...segment.shortMessage.subarray(0, 6)]).toEqual([0x05, 0x00, 0x03, 0xa3, 3, i + 1]);
    });
    expect(encoded.segments.map((s) => ucs2Text(payload(s))).join('')).toBe('验'.repeat(150));
  });

  it('refuses an empty text and one beyond 255 parts', () => {
    expect(() => encodeSms('', 0)).toThrow(RangeError);
    expect(() => encodeSms('a'.repeat(153 * 255 + 1), 0)).toThrow(RangeError);
  });
});
