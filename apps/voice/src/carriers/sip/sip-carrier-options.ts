import type { G711Codec } from '../../media/g711.js';

export interface SipCarrierOptions {
  /** The trunk or PBX every INVITE goes to (UDP). */
  trunk: { host: string; port: number };
  username: string | null;
  password: string | null;
  /** Local SIP port; 0 = any free port. */
  localPort: number;
  bindAddress: string;
  /** Address put in Via, Contact and SDP; null = the local address that routes to the trunk. */
  publicAddress: string | null;
  rtpPorts: { min: number; max: number };
  codecs: readonly G711Codec[];
  /** Domain of the From URI (caller-id); null = the trunk's host. */
  fromDomain: string | null;
  /** Send numbers without their leading `+` (some PBXs want digits only). */
  stripPlus: boolean;
  /** VERIGATE_RTP_ALLOW_PRIVATE: RTP may go to loopback/private/link-local addresses an SDP names. */
  allowPrivateMedia: boolean;
}
