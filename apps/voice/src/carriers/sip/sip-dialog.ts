import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import sip, { type Remote, type SipMessage } from 'sip';
import type { DialogRoute } from './sip-messages.js';

/** Where in-dialog requests go: the first Route, else the remote target; the trunk before a dialog exists. */
export async function dialogDestination(
  dialog: DialogRoute | undefined,
  trunk: { address: string; port: number },
): Promise<{ address: string; port: number }> {
  const next = dialog?.route[0]?.uri ?? dialog?.target;
  if (!next) return trunk;
  const uri = sip.parseUri(next);
  const address = isIP(uri.host) ? uri.host : (await lookup(uri.host, { family: 4 })).address;
  return { address, port: Number(uri.port) || 5060 };
}

/**
 * Whether an in-dialog request belongs to `dialog` (RFC 3261 §12.2.2): the From tag is the
 * callee's, the To tag ours, and it comes from one of `peers` (the trunk or the dialog's next hop).
 */
export function belongsToDialog(
  rq: SipMessage,
  remote: Remote,
  dialog: DialogRoute | undefined,
  ownTag: string,
  peers: readonly (string | undefined)[],
): boolean {
  if (!dialog) return false;
  const remoteTag = dialog.remoteTag.params?.tag;
  return (
    remoteTag !== undefined &&
    rq.headers.from?.params?.tag === remoteTag &&
    rq.headers.to?.params?.tag === ownTag &&
    peers.includes(remote.address)
  );
}
