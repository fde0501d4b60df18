import dgram from 'node:dgram';
import sip, { type Remote, type SipMessage, type TransactionLayer, type Transport, type TransportOptions } from 'sip';

/** Asks the OS for a free UDP port on `address`. */
export async function freeUdpPort(address: string): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, address, () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** The local IPv4 address the OS would use to reach `host` (no packet is sent). */
export async function localAddressTowards(host: string, port: number): Promise<string> {
  const socket = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(port, host, () => resolve());
    });
    return socket.address().address;
  } finally {
    socket.close();
  }
}

/** The largest datagram handed to the SIP parser (a SIP message over UDP is ~1-3 KiB; RFC 3261 §18.1.1). */
export const MAX_SIP_DATAGRAM_BYTES = 8192;
/** The longest line handed to the SIP parser (real header and SDP lines are a few hundred bytes). */
export const MAX_SIP_LINE_BYTES = 1024;
/** Leading white space allowed before the start line (RFC 5626 keep-alives are a CRLF or two). */
const MAX_SIP_LEADING_SPACE = 16;

/**
 * Why a UDP datagram is not given to sip.js's parser, or null. That parser backtracks
 * quadratically on some inputs (60 KiB of `WWW-Authenticate: Digest aaaa…` costs seconds of CPU,
 * leading white space hundreds of ms) and runs on every datagram anyone sends to the SIP port,
 * before any check of who sent it. Bounded datagrams, lines and leading white space bound its
 * work; one linear pass over the bytes decides.
 */
export function sipDatagramRefusal(data: Buffer): string | null {
  if (data.length > MAX_SIP_DATAGRAM_BYTES)
    return `datagram of ${data.length} bytes (at most ${MAX_SIP_DATAGRAM_BYTES})`;
  let leading = 0;
  while (
    leading < data.length &&
    (data[leading] === 0x20 || data[leading] === 0x09 || data[leading] === 0x0d || data[leading] === 0x0a)
  )
    leading++;
  if (leading > MAX_SIP_LEADING_SPACE) return `${leading} bytes of white space before the start line`;
  let lineStart = 0;
  for (;;) {
    const newline = data.indexOf(0x0a, lineStart);
    const lineEnd = newline < 0 ? data.length : newline;
    if (lineEnd - lineStart > MAX_SIP_LINE_BYTES)
      return `a line of ${lineEnd - lineStart} bytes (at most ${MAX_SIP_LINE_BYTES})`;
    if (newline < 0) return null;
    lineStart = newline + 1;
  }
}

export interface SipStackOptions {
  /** Local UDP port (already chosen: sip.js cannot bind port 0 and put the real port in Via). */
  port: number;
  bindAddress: string;
  /** The address written in Via, Contact and SDP. */
  publicAddress: string;
  onRequest(request: SipMessage, remote: Remote): void;
  /** A response no transaction is waiting for (a 200 OK retransmitted after its transaction ended). */
  onStrayResponse(response: SipMessage, remote: Remote): void;
  onError(error: unknown): void;
}

/**
 * A UDP SIP stack built from sip.js's transport and transaction layers (RFC 3261 §17: retransmissions,
 * timers, ACK of non-2xx final responses). Unlike `sip.create`, requests go to the address the caller
 * names (the trunk, a dialog's remote target) without sip.js's own DNS resolution, which treats a
 * destination equal to our own address (SIPp on the same host) as a local flow and drops it; and the
 * UDP socket gets an error handler, so a send error cannot crash the worker.
 */
export class SipStack {
  private transport!: Transport;
  private transactions!: TransactionLayer;
  private socket?: dgram.Socket;

  private constructor(private readonly options: SipStackOptions) {}

  static async start(options: SipStackOptions): Promise<SipStack> {
    const stack = new SipStack(options);
    await stack.open();
    return stack;
  }

  private async open(): Promise<void> {
    const transportOptions: TransportOptions = {
      port: this.options.port,
      address: this.options.bindAddress,
      publicAddress: this.options.publicAddress,
      udp: true,
      tcp: false,
      logger: { error: (e) => this.options.onError(e) },
    };
    // sip.js creates its UDP socket inside makeTransport without an error listener: catch it to add one.
    const original = dgram.createSocket;
    let captured: dgram.Socket | undefined;
    // It also passes its message handler there: wrapped, so hostile datagrams never reach its parser.
    (dgram as { createSocket: typeof dgram.createSocket }).createSocket = ((
      type: dgram.SocketType,
      onMessage?: (msg: Buffer, rinfo: dgram.RemoteInfo) => void,
    ) => {
      captured = (
        original as (type: dgram.SocketType, listener?: (msg: Buffer, rinfo: dgram.RemoteInfo) => void) => dgram.Socket
      ).call(
        dgram,
        type,
        onMessage &&
          ((msg: Buffer, rinfo: dgram.RemoteInfo) => {
            if (sipDatagramRefusal(msg) === null) onMessage(msg, rinfo);
          }),
      );
      return captured;
    }) as typeof dgram.createSocket;
    try {
      this.transport = sip.makeTransport(transportOptions, (m, remote) => this.dispatch(m, remote));
    } finally {
      (dgram as { createSocket: typeof dgram.createSocket }).createSocket = original;
    }
    const socket = captured;
    if (!socket) throw new Error('sip.js did not create a UDP socket');
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) =>
        reject(new Error(`cannot bind SIP port ${this.options.bindAddress}:${this.options.port}: ${error.message}`));
      socket.once('error', onError);
      socket.once('listening', () => {
        socket.off('error', onError);
        resolve();
      });
    });
    socket.on('error', (error) => this.options.onError(error));
    this.transactions = sip.makeTransactionLayer(transportOptions, this.transport.open.bind(this.transport));
  }

  get localPort(): number {
    return this.options.port;
  }

  get publicAddress(): string {
    return this.options.publicAddress;
  }

  private dispatch(m: SipMessage, remote: Remote): void {
    try {
      const t = m.method ? this.transactions.getServer(m) : this.transactions.getClient(m);
      if (t) {
        t.message?.(m, remote);
      } else if (m.method && m.method !== 'ACK') {
        this.transactions.createServerTransaction(m, this.transport.get(remote));
        this.options.onRequest(m, remote);
      } else if (m.method === 'ACK') {
        this.options.onRequest(m, remote);
      } else {
        this.options.onStrayResponse(m, remote);
      }
    } catch (error) {
      this.options.onError(error);
    }
  }

  /**
   * Sends a request to `target` in a new client transaction (INVITE, CANCEL, BYE …); `onResponse`
   * gets every response, including those the transaction layer makes up (408 on timeout).
   * An ACK for a 2xx is sent outside any transaction.
   */
  request(
    message: SipMessage,
    target: { address: string; port: number },
    onResponse: (rs: SipMessage) => void = () => undefined,
  ): void {
    const remote: Remote = { protocol: 'UDP', address: target.address, port: target.port };
    if (message.method === 'ACK') {
      message.headers.via = [{ params: { branch: sip.generateBranch() } }];
      const connection = this.transport.open(remote);
      try {
        connection.send(message);
      } finally {
        connection.release();
      }
      return;
    }
    // A CANCEL carries its INVITE's Via (same branch); any other request gets a new one.
    if (message.method !== 'CANCEL') message.headers.via = [{ params: {} }];
    this.transactions.createClientTransaction(this.transport.open(remote), message, onResponse);
  }

  /** Answers a request received through `onRequest`. */
  respond(response: SipMessage): void {
    this.transactions.getServer(response)?.send(response);
  }

  close(): void {
    try {
      this.transactions?.destroy();
    } catch {
      /* closing */
    }
    try {
      this.transport?.destroy();
    } catch {
      /* closing */
    }
  }
}
