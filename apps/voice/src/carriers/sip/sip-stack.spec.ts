import { describe, expect, it } from '@jest/globals';
import sip from 'sip';
import { MAX_SIP_DATAGRAM_BYTES, MAX_SIP_LINE_BYTES, sipDatagramRefusal } from './sip-stack.js';

/**
 * CPU time (user + system) of fn, in ms: the least of three runs, so that a busy machine (which
 * adds time to one run) does not fail the test, while quadratic work (which costs every run) does.
 */
function cpuMs(fn: () => void): number {
  let least = Infinity;
  for (let run = 0; run < 3; run++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    least = Math.min(least, (used.user + used.system) / 1000);
  }
  return least;
}

const response = (extra: string) =>
  Buffer.from(
    'SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK1\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n' +
      `From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\n${extra}Content-Length: 0\r\n\r\n`,
    'latin1',
  );

describe('SIP datagram guard', () => {
  it('lets ordinary messages through (a 401 challenge, an INVITE answer with SDP, a CRLF keep-alive)', () => {
    expect(
      sipDatagramRefusal(response('WWW-Authenticate: Digest realm="pbx",nonce="abc",algorithm=MD5,qop="auth"\r\n')),
    ).toBeNull();
    const sdp =
      'v=0\r\no=- 1 1 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n';
    expect(sipDatagramRefusal(response(`Content-Type: application/sdp\r\n`.repeat(1) + sdp))).toBeNull();
    expect(sipDatagramRefusal(Buffer.from('\r\n\r\n'))).toBeNull();
  });

  it('refuses datagrams the parser would spend seconds on: oversized, long lines, long leading white space', () => {
    // Measured before the guard: 60 KiB of this costs sip.js ~4 s of CPU, the leading spaces ~0.4 s.
    const hostile = [
      response(`WWW-Authenticate: Digest ${'a'.repeat(60_000)}\r\n`),
      Buffer.from(`${' '.repeat(60_000)}x`),
      Buffer.from(`${'\r\n'.repeat(4000)}x`),
      response(`X-Pad: ${'b'.repeat(900)}\r\n`.repeat(10)),
      response(`WWW-Authenticate: Digest ${'a'.repeat(MAX_SIP_LINE_BYTES)}\r\n`),
    ];
    for (const datagram of hostile) {
      let refusal: string | null = null;
      expect(
        cpuMs(() => {
          refusal = sipDatagramRefusal(datagram);
        }),
      ).toBeLessThan(50);
      expect(refusal).toEqual(expect.any(String));
    }
  });

  it('bounds what reaches the parser: the worst datagram it lets through parses in well under 50 ms of CPU', () => {
    const line = `WWW-Authenticate: Digest ${'a'.repeat(MAX_SIP_LINE_BYTES - 40)}\r\n`;
    const lines = Math.floor((MAX_SIP_DATAGRAM_BYTES - response('').length) / line.length);
    const worst = response(line.repeat(lines));
    expect(sipDatagramRefusal(worst)).toBeNull();
    expect(worst.length).toBeGreaterThan(MAX_SIP_DATAGRAM_BYTES - 2 * line.length);
    expect(
      cpuMs(() => {
        try {
          sip.parse(worst.toString('latin1'));
        } catch {
          // a malformed header may throw: only its cost matters here
        }
      }),
    ).toBeLessThan(50);
  });
});
