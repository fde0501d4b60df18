import * as z from 'zod';
import { documented, envBool, envInt, envSecret, envString, inRowOf, VARIABLE, type ReadmeRow } from './env-schema.js';

/**
 * The `sip` section: VERIGATE_SIP_* and VERIGATE_RTP_*, in the order of the README's "SIP carrier"
 * table (scripts/config-reference.mjs writes it from this schema). Validated whatever the carrier;
 * loadSipConfig checks the rules between variables.
 */

/** VERIGATE_SIP_TRUNK `sip:host[:port][;transport=udp]`: null when unset; a user part is allowed and ignored (the callee replaces it). */
function sipTrunk() {
  return envString('').transform((text, ctx): { uri: string; host: string; port: number } | null => {
    if (!text) return null;
    const m = /^sip:(?:[^@;]+@)?(\[[^\]]+\]|[A-Za-z0-9.-]+)(?::(\d+))?((?:;[^;=]+(?:=[^;]*)?)*)$/i.exec(text);
    const port = m?.[2] ? Number(m[2]) : 5060;
    const transport = /;transport=([^;]*)/.exec((m?.[3] ?? '').toLowerCase())?.[1];
    const refuse = (message: string) => {
      ctx.issues.push({ code: 'custom', input: text, message });
      return z.NEVER;
    };
    if (!m) return refuse(`${VARIABLE}="${text}" must look like sip:host or sip:host:port (e.g. sip:10.0.0.5:5060)`);
    if (port < 1 || port > 65535) return refuse(`${VARIABLE}="${text}" has an invalid port`);
    if (m[1]!.startsWith('['))
      return refuse(`${VARIABLE}="${text}": IPv6 trunks are not supported (use an IPv4 address or a host name)`);
    if (transport && transport !== 'udp') return refuse(`${VARIABLE}="${text}": only transport=udp is supported`);
    return { uri: text, host: m[1]!, port };
  });
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** A dotted-quad IPv4 address ('' allowed: unset). */
function ipv4Address(fallback: string) {
  return envString(fallback).check((ctx) => {
    const octets = IPV4.exec(ctx.value)?.slice(1);
    if (ctx.value && !(octets?.every((o) => Number(o) <= 255) ?? false))
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `${VARIABLE}="${ctx.value}" must be an IPv4 address`,
      });
  });
}

/** VERIGATE_SIP_CODECS: PCMU and/or PCMA, in order of preference (upper-cased). */
function sipCodecs(fallback: string) {
  return envString(fallback).transform((text, ctx) => {
    const codecs = text
      .split(',')
      .map((c) => c.trim().toUpperCase())
      .filter(Boolean);
    if (codecs.length && codecs.every((c) => c === 'PCMU' || c === 'PCMA') && new Set(codecs).size === codecs.length)
      return codecs as ('PCMU' | 'PCMA')[];
    ctx.issues.push({
      code: 'custom',
      input: text,
      message: `${VARIABLE}="${text}" must list PCMU and/or PCMA, in order of preference (e.g. PCMA,PCMU)`,
    });
    return z.NEVER;
  });
}

function fromDomain() {
  return envString('').check((ctx) => {
    if (ctx.value && !/^[A-Za-z0-9.-]+$/.test(ctx.value))
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `${VARIABLE}="${ctx.value}" must be a host name or address`,
      });
  });
}

export const sipSection = z.object({
  VERIGATE_SIP_TRUNK: documented(sipTrunk(), {
    default: '– (required with `sip`)',
    meaning:
      '`sip:host[:port]` of the trunk / PBX, UDP (`;transport=udp` allowed, nothing else); every INVITE goes there, to `sip:<calleeNbr>@host:port`',
  }),
  VERIGATE_SIP_USERNAME: documented(envString(''), {
    variable: '`VERIGATE_SIP_USERNAME` / `VERIGATE_SIP_PASSWORD`',
    default: 'none',
    meaning: 'digest credentials for 401/407 challenges (both or neither)',
  }),
  VERIGATE_SIP_PASSWORD: inRowOf(envSecret(''), 'VERIGATE_SIP_USERNAME'),
  VERIGATE_SIP_LOCAL_PORT: documented(envInt(5060, 0, 65535), {
    default: '`5060`',
    meaning:
      "the worker's SIP UDP port (`0` = any free port; one per worker, so several workers on one host need different ports)",
  }),
  VERIGATE_SIP_BIND_ADDRESS: documented(ipv4Address('0.0.0.0'), {
    default: '`0.0.0.0`',
    meaning: 'the IPv4 address the SIP and RTP sockets bind to',
  }),
  VERIGATE_SIP_PUBLIC_ADDRESS: documented(ipv4Address(''), {
    default: 'the local address that routes to the trunk',
    meaning: 'the address written in Via, Contact and SDP (set it behind NAT)',
  }),
  VERIGATE_RTP_PORT_MIN: documented(envInt(10000, 1024, 65534), {
    variable: '`VERIGATE_RTP_PORT_MIN` / `VERIGATE_RTP_PORT_MAX`',
    default: '`10000` / `20000`',
    meaning: 'RTP ports (one even port per call); the range must hold at least `VERIGATE_VOICE_PORTS` even ports',
  }),
  VERIGATE_RTP_PORT_MAX: inRowOf(envInt(20000, 1025, 65535), 'VERIGATE_RTP_PORT_MIN'),
  VERIGATE_SIP_CODECS: documented(sipCodecs('PCMU,PCMA'), {
    default: '`PCMU,PCMA`',
    meaning: 'codecs offered, in order of preference',
  }),
  VERIGATE_SIP_FROM_DOMAIN: documented(fromDomain(), {
    default: "the trunk's host",
    meaning: "domain of the From URI; its user part is the call's `displayNbr` (the caller id)",
  }),
  VERIGATE_SIP_STRIP_PLUS: documented(envBool(false), {
    default: '`false`',
    meaning: 'send `8613800000021` instead of `+8613800000021` in the From and Request URIs',
  }),
  VERIGATE_RTP_ALLOW_PRIVATE: documented(envBool(false), {
    default: '`false`',
    meaning:
      'send RTP to loopback, private (RFC 1918), link-local, CGNAT and other non-public addresses an SDP names (a trunk or PBX on your own network needs `true`; the tests set it for SIPp on 127.0.0.1). Off: an answer naming one is ACKed and hung up without a packet, ending as 488 would (8103); a re-INVITE naming one gets 488',
  }),
});

/** Rows of the SIP table that belong to the voice section (named there, shown here too). */
export const SIP_SEE_ALSO: { before: readonly ReadmeRow[]; after: readonly ReadmeRow[] } = {
  before: [{ variable: '`VERIGATE_VOICE_CARRIER`', default: '`sim`', meaning: '`sip` to use this carrier' }],
  after: [
    {
      variable: '`VERIGATE_RING_TIMEOUT_S`',
      default: '`45`',
      meaning:
        'ringing time before CANCEL (stateCode 8003); a trunk that sends nothing at all in that time is unreachable (8103)',
    },
    { variable: '`VERIGATE_MAX_CALL_S`', default: '`300`', meaning: 'longest call: bounds `times: 0`' },
    {
      variable: '`VERIGATE_VOICE_PORTS`',
      default: '`30`',
      meaning: 'concurrent calls per worker (what `idlePort` counts)',
    },
  ],
};
