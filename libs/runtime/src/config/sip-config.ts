import type { EnvReader } from './env-reader.js';
import { readSection } from './env-schema.js';
import { sipSection } from './sip-section.js';

export interface SipConfig {
  /** VERIGATE_SIP_TRUNK `sip:host[:port]` (UDP); null when not set (required with carrier sip). */
  trunk: { uri: string; host: string; port: number } | null;
  username: string | null;
  password: string | null;
  /** VERIGATE_SIP_LOCAL_PORT; 0 = any free port. */
  localPort: number;
  bindAddress: string;
  /** VERIGATE_SIP_PUBLIC_ADDRESS: the address in Via/Contact/SDP; null = the one that routes to the trunk. */
  publicAddress: string | null;
  rtpPortMin: number;
  rtpPortMax: number;
  /** Offered in this order of preference. */
  codecs: ('PCMU' | 'PCMA')[];
  fromDomain: string | null;
  stripPlus: boolean;
  /**
   * VERIGATE_RTP_ALLOW_PRIVATE: send RTP to loopback, private, link-local and other non-public
   * addresses an SDP answer names (a trunk or PBX on the local network). Off by default.
   */
  allowPrivateMedia: boolean;
}

/** The `sip` section (sip-section.ts), with the rules between its variables. */
export function loadSipConfig(read: EnvReader): SipConfig {
  const v = readSection(sipSection, read.env, read.problems);
  const username = v.VERIGATE_SIP_USERNAME || null;
  const password = v.VERIGATE_SIP_PASSWORD || null;
  if (password && !username) read.problems.push('VERIGATE_SIP_PASSWORD is set but VERIGATE_SIP_USERNAME is not');
  if (username && !password) read.problems.push('VERIGATE_SIP_USERNAME is set but VERIGATE_SIP_PASSWORD is not');
  const publicAddress = v.VERIGATE_SIP_PUBLIC_ADDRESS || null;
  if (publicAddress === '0.0.0.0')
    read.problems.push('VERIGATE_SIP_PUBLIC_ADDRESS must be an address the trunk can reach, not 0.0.0.0');
  const rtpPortMin = v.VERIGATE_RTP_PORT_MIN;
  const rtpPortMax = v.VERIGATE_RTP_PORT_MAX;
  if (rtpPortMin >= rtpPortMax)
    read.problems.push(`VERIGATE_RTP_PORT_MIN (${rtpPortMin}) must be below VERIGATE_RTP_PORT_MAX (${rtpPortMax})`);
  return {
    trunk: v.VERIGATE_SIP_TRUNK,
    username,
    password,
    localPort: v.VERIGATE_SIP_LOCAL_PORT,
    bindAddress: v.VERIGATE_SIP_BIND_ADDRESS,
    publicAddress,
    rtpPortMin,
    rtpPortMax,
    codecs: v.VERIGATE_SIP_CODECS,
    fromDomain: v.VERIGATE_SIP_FROM_DOMAIN || null,
    stripPlus: v.VERIGATE_SIP_STRIP_PLUS,
    allowPrivateMedia: v.VERIGATE_RTP_ALLOW_PRIVATE,
  };
}

/** With the sip carrier: a trunk, and an RTP port range holding an even port per voice port. */
export function checkSipCarrier(read: EnvReader, sip: SipConfig, voicePorts: number): void {
  if (!sip.trunk && !read.problems.some((p) => p.startsWith('VERIGATE_SIP_TRUNK')))
    read.problems.push(
      'VERIGATE_SIP_TRUNK is required when VERIGATE_VOICE_CARRIER=sip (e.g. sip:pbx.example.com:5060)',
    );
  const rtpPorts = evenPortCount(sip.rtpPortMin, sip.rtpPortMax);
  if (rtpPorts < voicePorts && !read.problems.some((p) => p.startsWith('VERIGATE_VOICE_PORTS'))) {
    read.problems.push(
      `VERIGATE_RTP_PORT_MIN/_MAX ${sip.rtpPortMin}-${sip.rtpPortMax} hold ${rtpPorts} RTP ports (even ones), fewer than VERIGATE_VOICE_PORTS=${voicePorts}`,
    );
  }
}

/**
 * How many even (RTP) ports [min, max] holds; RTCP would take the odd one above each. Here with
 * the RTP port range it counts (the voice worker's port allocator uses it too).
 */
export function evenPortCount(min: number, max: number): number {
  const first = min + (min % 2);
  return Math.max(0, Math.floor((max - first) / 2) + 1);
}
