import { randomBytes } from 'node:crypto';
import sip, { type NameAddr, type SipMessage, type SipUri } from 'sip';
import digest from 'sip/digest.js';

/**
 * The SIP requests one outgoing call sends (RFC 3261), built from plain data: no I/O, no state.
 * The call's shell keeps the CSeq counter and the current INVITE and hands them in.
 */

/** What the dialog of an answered INVITE needs for its ACK and BYE (RFC 3261 §12.1.2). */
export interface DialogRoute {
  remoteTag: NameAddr;
  target: string | SipUri;
  route: NameAddr[];
  ack: SipMessage;
}

export function tag(): string {
  return randomBytes(6).toString('hex');
}

function firstContact(m: SipMessage): string | SipUri | undefined {
  const contact = m.headers.contact;
  return Array.isArray(contact) && contact.length ? contact[0]!.uri : undefined;
}

/** Q.850 cause of a `Reason: Q.850;cause=N` header (RFC 3326), if the far end sent one. */
export function reasonQ850(m: SipMessage): number | undefined {
  const raw = m.headers.reason;
  const text = Array.isArray(raw) ? raw.join(',') : typeof raw === 'string' ? raw : undefined;
  const match = text ? /Q\.850\s*;\s*cause\s*=\s*(\d+)/i.exec(text) : null;
  return match ? Number(match[1]) : undefined;
}

export function contactHeader(publicAddress: string, localPort: number): NameAddr[] {
  return [{ uri: `sip:verigate@${publicAddress}:${localPort}`, params: {} }];
}

export interface InviteFields {
  trunk: { host: string; port: number };
  callee: string;
  caller: string;
  fromDomain: string | null;
  fromTag: string;
  callId: string;
  cseq: number;
  publicAddress: string;
  localPort: number;
  sdp: string;
}

export function buildInvite(f: InviteFields): SipMessage {
  const { host, port } = f.trunk;
  const uri = `sip:${f.callee}@${host}${port === 5060 ? '' : `:${port}`}`;
  return {
    method: 'INVITE',
    uri,
    headers: {
      to: { uri, params: {} },
      from: { uri: `sip:${f.caller}@${f.fromDomain ?? host}`, params: { tag: f.fromTag } },
      'call-id': f.callId,
      cseq: { method: 'INVITE', seq: f.cseq },
      contact: contactHeader(f.publicAddress, f.localPort),
      'max-forwards': 70,
      allow: 'INVITE, ACK, CANCEL, BYE, OPTIONS',
      'user-agent': 'Verigate',
      'content-type': 'application/sdp',
    },
    content: f.sdp,
  };
}

/** The INVITE again, with a new CSeq and digest credentials for a 401/407 challenge. */
export function authenticatedInvite(
  invite: SipMessage,
  challenge: SipMessage,
  cseq: number,
  credentials: { user: string; password: string },
): SipMessage {
  const next = sip.copyMessage(invite, true);
  next.headers.cseq = { method: 'INVITE', seq: cseq };
  delete next.headers.via;
  digest.signRequest({}, next, challenge, credentials);
  return next;
}

/** The dialog a 2xx creates, with the ACK that confirms it. */
export function dialogOf(rs: SipMessage, invite: SipMessage, callId: string, cseq: number): DialogRoute {
  const target = firstContact(rs) ?? invite.uri!;
  const route = (Array.isArray(rs.headers['record-route']) ? [...rs.headers['record-route']] : []).reverse();
  const ack: SipMessage = {
    method: 'ACK',
    uri: target,
    headers: {
      to: rs.headers.to,
      from: invite.headers.from,
      'call-id': callId,
      cseq: { method: 'ACK', seq: cseq },
      'max-forwards': 70,
      ...(route.length ? { route } : {}),
    },
  };
  return { remoteTag: rs.headers.to!, target, route, ack };
}

export function buildBye(dialog: DialogRoute, invite: SipMessage, callId: string, cseq: number): SipMessage {
  return {
    method: 'BYE',
    uri: dialog.target,
    headers: {
      to: dialog.remoteTag,
      from: invite.headers.from,
      'call-id': callId,
      cseq: { method: 'BYE', seq: cseq },
      'max-forwards': 70,
      ...(dialog.route.length ? { route: dialog.route } : {}),
    },
  };
}

/** 200 OK to a re-INVITE, with our Contact and SDP. */
export function okWithOffer(rq: SipMessage, publicAddress: string, localPort: number, sdp: string): SipMessage {
  const rs = sip.makeResponse(rq, 200, 'OK');
  rs.headers.contact = contactHeader(publicAddress, localPort);
  rs.headers['content-type'] = 'application/sdp';
  rs.content = sdp;
  return rs;
}

/** A CANCEL carries its INVITE's Via (same branch) and CSeq number (RFC 3261 §9.1). */
export function buildCancel(invite: SipMessage, callId: string, cseq: number): SipMessage {
  return {
    method: 'CANCEL',
    uri: invite.uri,
    headers: {
      via: invite.headers.via,
      to: invite.headers.to,
      from: invite.headers.from,
      'call-id': callId,
      cseq: { method: 'CANCEL', seq: cseq },
      'max-forwards': 70,
    },
  };
}
