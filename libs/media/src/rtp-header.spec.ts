import { describe, expect, it } from '@jest/globals';
import { parseRtpHeader, rtpPacket } from './rtp-header.js';

describe('RTP packets (RFC 3550)', () => {
  it('writes version 2, marker, payload type, sequence, timestamp and SSRC in network order', () => {
    const packet = rtpPacket(
      { payloadType: 8, marker: true, sequence: 0x1234, timestamp: 0xdeadbeef, ssrc: 0x01020304 },
      new Uint8Array(160).fill(0xd5),
    );
    expect(packet.length).toBe(172);
    expect([...packet.subarray(0, 12)]).toEqual([
      0x80, 0x88, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04,
    ]);
    expect(parseRtpHeader(packet)).toEqual({
      version: 2,
      marker: true,
      payloadType: 8,
      sequence: 0x1234,
      timestamp: 0xdeadbeef,
      ssrc: 0x01020304,
      payloadLength: 160,
    });
  });

  it('wraps sequence numbers and timestamps', () => {
    const packet = rtpPacket(
      { payloadType: 0, marker: false, sequence: 0x10000, timestamp: 2 ** 32 + 5, ssrc: 1 },
      new Uint8Array(0),
    );
    expect(parseRtpHeader(packet)).toMatchObject({ sequence: 0, timestamp: 5, marker: false, payloadType: 0 });
  });
});
