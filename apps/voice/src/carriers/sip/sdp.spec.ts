import { describe, expect, it } from '@jest/globals';
import { callOutcome } from '#libs/contracts';
import { buildOffer, mediaAddressRefusal, parseAnswer } from './sdp.js';

/** CPU time (user + system) of fn, in ms. */
function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

describe('SDP', () => {
  it('offers PCMU and PCMA in order of preference, 20 ms', () => {
    const offer = buildOffer({ address: '10.0.0.2', port: 40000, codecs: ['PCMA', 'PCMU'], sessionId: 7 });
    expect(offer).toContain('c=IN IP4 10.0.0.2\r\n');
    expect(offer).toContain('m=audio 40000 RTP/AVP 8 0\r\n');
    expect(offer).toContain('a=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n');
    expect(offer).toContain('a=ptime:20');
    expect(offer.startsWith('v=0\r\no=verigate 7 7 IN IP4 10.0.0.2\r\n')).toBe(true);
  });

  it('reads the answered address, port and codec (media-level c= wins over session-level)', () => {
    const sdp =
      'v=0\r\no=- 1 1 IN IP4 1.1.1.1\r\ns=-\r\nc=IN IP4 1.1.1.1\r\nt=0 0\r\nm=audio 5004 RTP/AVP 8 101\r\nc=IN IP4 2.2.2.2\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n';
    expect(parseAnswer(sdp, ['PCMU', 'PCMA'])).toEqual({ address: '2.2.2.2', port: 5004, codec: 'PCMA' });
  });

  it('takes static payload types without rtpmap, and the first offered one', () => {
    expect(parseAnswer('v=0\nc=IN IP4 3.3.3.3\nm=audio 6000 RTP/AVP 0 8\n', ['PCMU', 'PCMA'])).toEqual({
      address: '3.3.3.3',
      port: 6000,
      codec: 'PCMU',
    });
  });

  it('explains unusable answers', () => {
    expect(parseAnswer('v=0\r\nc=IN IP4 3.3.3.3\r\nm=audio 0 RTP/AVP 0\r\n', ['PCMU'])).toEqual({
      error: expect.stringMatching(/port 0/),
    });
    expect(parseAnswer('v=0\r\nc=IN IP4 3.3.3.3\r\nm=audio 6000 RTP/AVP 18\r\n', ['PCMU', 'PCMA'])).toEqual({
      error: expect.stringMatching(/codecs/),
    });
    expect(parseAnswer('v=0\r\nm=audio 6000 RTP/AVP 0\r\n', ['PCMU'])).toEqual({
      error: expect.stringMatching(/address/),
    });
    expect(parseAnswer('', ['PCMU'])).toEqual({ error: expect.stringMatching(/no audio/) });
  });

  it('refuses ports a socket cannot send to and addresses that are not literal unicast IPv4', () => {
    const sdp = (c: string, port: number | string) => `v=0\r\nc=IN IP4 ${c}\r\nm=audio ${port} RTP/AVP 0\r\n`;
    expect(parseAnswer(sdp('3.3.3.3', 70000), ['PCMU'])).toEqual({
      error: expect.stringMatching(/port 70000 is out of range/),
    });
    expect(parseAnswer(sdp('3.3.3.3', 65536), ['PCMU'])).toEqual({ error: expect.stringMatching(/out of range/) });
    expect(parseAnswer(sdp('3.3.3.3', 65535), ['PCMU'])).toEqual({ address: '3.3.3.3', port: 65535, codec: 'PCMU' });
    for (const bad of ['pbx.example.com', '224.0.0.1', '255.255.255.255', '0.1.2.3', '999.1.1.1']) {
      expect(parseAnswer(sdp(bad, 6000), ['PCMU'])).toEqual({ error: expect.stringMatching(/not a literal unicast/) });
    }
  });

  it('reads c=0.0.0.0 as hold', () => {
    expect(parseAnswer('v=0\r\nc=IN IP4 0.0.0.0\r\nm=audio 6000 RTP/AVP 0\r\n', ['PCMU'])).toEqual({
      address: '0.0.0.0',
      port: 6000,
      codec: 'PCMU',
      hold: true,
    });
  });

  it('reads m= lines in linear time: 16 KiB of hostile spacing or digits costs well under 50 ms of CPU', () => {
    const hostile = [
      `m=audio 6000 RTP/AVP 0${' '.repeat(16_384)}x`,
      `m=audio 6000 RTP/AVP ${'0 '.repeat(8192)}x`,
      `m=audio ${'1'.repeat(16_384)}x`,
      `m=audio 6000${' '.repeat(16_384)}x`,
    ];
    for (const line of hostile) {
      let result: ReturnType<typeof parseAnswer> | undefined;
      expect(
        cpuMs(() => {
          result = parseAnswer(`v=0\r\nc=IN IP4 3.3.3.3\r\n${line}\r\n`, ['PCMU']);
        }),
      ).toBeLessThan(50);
      expect(result).toEqual({ error: expect.stringMatching(/no audio stream/) });
    }
    // Several spaces between payload types are still read.
    expect(parseAnswer('v=0\r\nc=IN IP4 3.3.3.3\r\nm=audio 6000/2 RTP/AVP   18    8 \r\n', ['PCMU', 'PCMA'])).toEqual({
      address: '3.3.3.3',
      port: 6000,
      codec: 'PCMA',
    });
  });
});

describe('media address policy (VERIGATE_RTP_ALLOW_PRIVATE)', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.9.9.9', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['198.51.100.7', 'documentation'],
  ])('refuses %s (%s) unless allowed', (address, kind) => {
    expect(mediaAddressRefusal(address, false)).toBe(
      `the media address ${address} is a ${kind} address (VERIGATE_RTP_ALLOW_PRIVATE is off)`,
    );
    expect(mediaAddressRefusal(address, true)).toBeNull();
  });

  it('lets public unicast addresses through', () => {
    for (const address of ['3.3.3.3', '8.8.8.8', '172.32.0.1', '100.128.0.1'])
      expect(mediaAddressRefusal(address, false)).toBeNull();
  });

  it('a refused media address ends the call as 488 Not Acceptable Here: stateCode 8103, Q.850 65', () => {
    expect(callOutcome({ kind: 'sip-final', sipStatus: 488 })).toMatchObject({
      stateCode: 8103,
      stateDesc: 'The user is unreachable',
      sipStatusCode: 488,
      callOutUnaswRsn: 65,
    });
  });
});
