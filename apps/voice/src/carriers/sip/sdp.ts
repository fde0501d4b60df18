import { isIPv4 } from 'node:net';
import { classifyAddress } from '#libs/runtime';
import { PAYLOAD_TYPES, type G711Codec } from '../../media/g711.js';

/** An SDP offer (RFC 4566 / 3264) for one audio stream of G.711 at 8 kHz, 20 ms packets. */
export function buildOffer(options: {
  address: string;
  port: number;
  codecs: readonly G711Codec[];
  sessionId: number;
  version?: number;
}): string {
  const pts = options.codecs.map((c) => PAYLOAD_TYPES[c]);
  return [
    'v=0',
    `o=verigate ${options.sessionId} ${options.version ?? options.sessionId} IN IP4 ${options.address}`,
    's=verigate',
    `c=IN IP4 ${options.address}`,
    't=0 0',
    `m=audio ${options.port} RTP/AVP ${pts.join(' ')}`,
    ...options.codecs.map((c) => `a=rtpmap:${PAYLOAD_TYPES[c]} ${c}/8000`),
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

export interface SdpAnswer {
  address: string;
  port: number;
  codec: G711Codec;
  /** `c=IN IP4 0.0.0.0` (RFC 2543 hold): send nothing until a later offer gives an address again. */
  hold?: true;
}

/** A literal IPv4 unicast address (not 0.x, multicast, reserved or broadcast): no DNS lookup per packet. */
export function isUnicastIPv4(address: string): boolean {
  if (!isIPv4(address)) return false;
  const first = Number(address.split('.')[0]);
  return first !== 0 && first < 224;
}

/**
 * Why RTP may not be sent to `address`, or null when it may: a loopback, private, link-local or other
 * non-public address (classified as for webhooks) is refused unless VERIGATE_RTP_ALLOW_PRIVATE —
 * otherwise whoever answers a call could point the platform's media stream at its internal network.
 */
export function mediaAddressRefusal(address: string, allowPrivate: boolean): string | null {
  if (allowPrivate) return null;
  const kind = classifyAddress(address);
  return kind === 'public'
    ? null
    : `the media address ${address} is a ${kind} address (VERIGATE_RTP_ALLOW_PRIVATE is off)`;
}

interface AnswerMedia {
  port: number;
  pts: number[];
  address?: string;
  rtpmap: Map<number, string>;
}

/** The session-level connection address and the first audio stream of an answer's lines. */
function scanAnswer(lines: string[]): { sessionAddress?: string; media?: AnswerMedia } {
  let sessionAddress: string | undefined;
  let media: AnswerMedia | undefined;
  for (const line of lines) {
    if (line.startsWith('m=')) {
      if (media) break; // the first audio stream only
      // Each `\s+` is followed by a digit or a letter, so no two quantifiers compete for the same
      // characters: linear time on any line (a `\s+([\d\s]+)$` backtracked quadratically).
      const m = /^m=audio\s+(\d+)(?:\/\d+)?\s+RTP\/AVP((?:\s+\d+)+)\s*$/.exec(line);
      if (!m) continue;
      media = { port: Number(m[1]), pts: m[2]!.trim().split(/\s+/).map(Number), rtpmap: new Map() };
    } else if (line.startsWith('c=')) {
      const c = /^c=IN\s+IP4\s+(\S+)/.exec(line);
      if (!c) continue;
      if (media) media.address = c[1];
      else sessionAddress = c[1];
    } else if (line.startsWith('a=rtpmap:') && media) {
      const a = /^a=rtpmap:(\d+)\s+([^/\s]+)\//.exec(line);
      if (a) media.rtpmap.set(Number(a[1]), a[2]!.toUpperCase());
    }
  }
  return { sessionAddress, media };
}

/**
 * The media address, port and codec of an answer: the first payload type of the audio line that
 * we offered (by static number or by rtpmap name). Returns a reason when the answer is unusable.
 */
export function parseAnswer(sdp: string, offered: readonly G711Codec[]): SdpAnswer | { error: string } {
  const lines = sdp
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const { sessionAddress, media } = scanAnswer(lines);
  if (!media) return { error: 'no audio stream in the answer' };
  if (media.port === 0) return { error: 'the audio stream was refused (port 0)' };
  if (media.port > 65535) return { error: `the audio port ${media.port} is out of range (1-65535)` };
  const address = media.address ?? sessionAddress;
  if (!address) return { error: 'no connection address in the answer' };
  const hold = address === '0.0.0.0';
  if (!hold && !isUnicastIPv4(address))
    return { error: `the connection address ${address} is not a literal unicast IPv4 address` };
  for (const pt of media.pts) {
    const name = media.rtpmap.get(pt) ?? (pt === 0 ? 'PCMU' : pt === 8 ? 'PCMA' : undefined);
    const codec = offered.find((c) => c === name);
    if (codec) return { address, port: media.port, codec, ...(hold ? { hold: true as const } : {}) };
  }
  return { error: `none of the offered codecs was accepted (answer: ${media.pts.join(' ')})` };
}
