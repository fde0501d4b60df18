import type { EnvReader } from './env-reader.js';

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

/** VERIGATE_SIP_TRUNK: null when unset or invalid (a problem says why). */
function readTrunk(read: EnvReader): SipConfig['trunk'] {
  let trunk: SipConfig['trunk'] = null;
  const trunkText = read.str('VERIGATE_SIP_TRUNK', '');
  if (trunkText) {
    // sip:host[:port][;transport=udp]; a user part is allowed and ignored (the callee replaces it).
    const m = /^sip:(?:[^@;]+@)?(\[[^\]]+\]|[A-Za-z0-9.-]+)(?::(\d+))?((?:;[^;=]+(?:=[^;]*)?)*)$/i.exec(trunkText);
    const port = m?.[2] ? Number(m[2]) : 5060;
    const params = (m?.[3] ?? '').toLowerCase();
    const transport = /;transport=([^;]*)/.exec(params)?.[1];
    if (!m)
      read.problems.push(
        `VERIGATE_SIP_TRUNK="${trunkText}" must look like sip:host or sip:host:port (e.g. sip:10.0.0.5:5060)`,
      );
    else if (port < 1 || port > 65535) read.problems.push(`VERIGATE_SIP_TRUNK="${trunkText}" has an invalid port`);
    else if (m[1]!.startsWith('['))
      read.problems.push(
        `VERIGATE_SIP_TRUNK="${trunkText}": IPv6 trunks are not supported (use an IPv4 address or a host name)`,
      );
    else if (transport && transport !== 'udp')
      read.problems.push(`VERIGATE_SIP_TRUNK="${trunkText}": only transport=udp is supported`);
    else trunk = { uri: trunkText, host: m[1]!, port };
  }
  return trunk;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** A dotted-quad IPv4 variable ('' allowed: unset). */
function readIPv4Address(read: EnvReader, name: string, fallback: string): string {
  const v = read.str(name, fallback);
  if (
    v &&
    !(
      IPV4.exec(v)
        ?.slice(1)
        .every((o) => Number(o) <= 255) ?? false
    )
  )
    read.problems.push(`${name}="${v}" must be an IPv4 address`);
  return v;
}

/** VERIGATE_SIP_CODECS as written (upper-cased); a problem when it is not a list of PCMU/PCMA. */
function readCodecs(read: EnvReader): string[] {
  const codecText = read.str('VERIGATE_SIP_CODECS', 'PCMU,PCMA');
  const codecs = codecText
    .split(',')
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);
  if (!codecs.length || codecs.some((c) => c !== 'PCMU' && c !== 'PCMA') || new Set(codecs).size !== codecs.length) {
    read.problems.push(
      `VERIGATE_SIP_CODECS="${codecText}" must list PCMU and/or PCMA, in order of preference (e.g. PCMA,PCMU)`,
    );
  }
  return codecs;
}

/** The `sip` section: VERIGATE_SIP_* and VERIGATE_RTP_PORT_MIN/_MAX. */
export function loadSipConfig(read: EnvReader): SipConfig {
  const trunk = readTrunk(read);
  const username = read.str('VERIGATE_SIP_USERNAME', '') || null;
  const password = read.str('VERIGATE_SIP_PASSWORD', '') || null;
  if (password && !username) read.problems.push('VERIGATE_SIP_PASSWORD is set but VERIGATE_SIP_USERNAME is not');
  if (username && !password) read.problems.push('VERIGATE_SIP_USERNAME is set but VERIGATE_SIP_PASSWORD is not');
  const bindAddress = readIPv4Address(read, 'VERIGATE_SIP_BIND_ADDRESS', '0.0.0.0');
  const publicAddress = readIPv4Address(read, 'VERIGATE_SIP_PUBLIC_ADDRESS', '') || null;
  if (publicAddress === '0.0.0.0')
    read.problems.push('VERIGATE_SIP_PUBLIC_ADDRESS must be an address the trunk can reach, not 0.0.0.0');
  const rtpPortMin = read.int('VERIGATE_RTP_PORT_MIN', 10000, 1024, 65534);
  const rtpPortMax = read.int('VERIGATE_RTP_PORT_MAX', 20000, 1025, 65535);
  if (rtpPortMin >= rtpPortMax)
    read.problems.push(`VERIGATE_RTP_PORT_MIN (${rtpPortMin}) must be below VERIGATE_RTP_PORT_MAX (${rtpPortMax})`);
  const codecs = readCodecs(read);
  const fromDomain = read.str('VERIGATE_SIP_FROM_DOMAIN', '') || null;
  if (fromDomain && !/^[A-Za-z0-9.-]+$/.test(fromDomain))
    read.problems.push(`VERIGATE_SIP_FROM_DOMAIN="${fromDomain}" must be a host name or address`);
  return {
    trunk,
    username,
    password,
    localPort: read.int('VERIGATE_SIP_LOCAL_PORT', 5060, 0, 65535),
    bindAddress,
    publicAddress,
    rtpPortMin,
    rtpPortMax,
    codecs: codecs.filter((c): c is 'PCMU' | 'PCMA' => c === 'PCMU' || c === 'PCMA'),
    fromDomain,
    stripPlus: read.bool('VERIGATE_SIP_STRIP_PLUS', false),
    allowPrivateMedia: read.bool('VERIGATE_RTP_ALLOW_PRIVATE', false),
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
