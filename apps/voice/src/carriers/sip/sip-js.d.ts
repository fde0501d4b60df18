/** The parts of the `sip` package (sip.js, RFC 3261 transaction and transport layers) that Verigate uses. */
declare module 'sip' {
  export interface SipUri {
    schema?: string;
    user?: string;
    password?: string;
    host: string;
    port?: number;
    params: Record<string, string | null | undefined>;
    headers?: Record<string, string>;
  }
  export interface NameAddr {
    name?: string;
    uri: string | SipUri;
    params: Record<string, string | null | undefined>;
  }
  export interface Via {
    version?: string;
    protocol?: string;
    host?: string;
    port?: number;
    params: Record<string, string | number | null | undefined>;
  }
  export interface SipHeaders {
    via?: Via[];
    to?: NameAddr;
    from?: NameAddr;
    'call-id'?: string;
    cseq?: { seq: number; method: string };
    contact?: NameAddr[] | '*';
    route?: NameAddr[];
    'record-route'?: NameAddr[];
    'content-type'?: string;
    [name: string]: unknown;
  }
  export interface SipMessage {
    method?: string;
    uri?: string | SipUri;
    status?: number;
    reason?: string;
    version?: string;
    headers: SipHeaders;
    content?: string;
  }
  export interface Remote {
    protocol: string;
    address: string;
    port: number;
    local?: { address: string; port: number };
  }
  export interface Connection {
    send(message: SipMessage): void;
    release(): void;
    protocol: string;
  }
  export interface Transport {
    open(target: Remote, error?: (e: unknown) => void): Connection;
    get(target: Remote, error?: (e: unknown) => void): Connection;
    destroy(): void;
  }
  export interface ClientTransaction {
    message(message: SipMessage, remote?: Remote): void;
    shutdown(): void;
  }
  export interface ServerTransaction {
    message?(message: SipMessage, remote?: Remote): void;
    send(message: SipMessage): void;
    shutdown(): void;
  }
  export interface TransactionLayer {
    createServerTransaction(rq: SipMessage, connection: Connection): ServerTransaction;
    createClientTransaction(
      connection: Connection,
      rq: SipMessage,
      callback: (rs: SipMessage) => void,
    ): ClientTransaction;
    getServer(m: SipMessage): ServerTransaction | undefined;
    getClient(m: SipMessage): ClientTransaction | undefined;
    destroy(): void;
  }
  export interface TransportOptions {
    port?: number;
    address?: string;
    publicAddress?: string;
    hostname?: string;
    udp?: boolean;
    tcp?: boolean;
    rport?: boolean;
    logger?: {
      send?(m: SipMessage, target: Remote): void;
      recv?(m: SipMessage, remote: Remote): void;
      error?(e: unknown): void;
    };
    [option: string]: unknown;
  }
  interface SipModule {
    makeTransport(options: TransportOptions, callback: (m: SipMessage, remote: Remote) => void): Transport;
    makeTransactionLayer(
      options: TransportOptions,
      open: (target: Remote, error?: (e: unknown) => void) => Connection,
    ): TransactionLayer;
    makeResponse(rq: SipMessage, status: number, reason?: string): SipMessage;
    parseUri(uri: string | SipUri): SipUri;
    stringifyUri(uri: string | SipUri): string;
    stringify(m: SipMessage): string;
    parse(text: string): SipMessage;
    generateBranch(): string;
    copyMessage(m: SipMessage, deep?: boolean): SipMessage;
  }
  const sip: SipModule;
  export default sip;
}

declare module 'sip/digest.js' {
  import type { SipMessage } from 'sip';
  export interface DigestContext {
    [key: string]: unknown;
  }
  interface DigestModule {
    signRequest(
      ctx: DigestContext | null,
      rq: SipMessage,
      rs?: SipMessage,
      credentials?: { user: string; password: string; realm?: string },
    ): DigestContext | null;
    challenge(session: { realm: string; [k: string]: unknown }, rs: SipMessage): SipMessage;
    authenticateRequest(
      session: { realm: string; [k: string]: unknown },
      rq: SipMessage,
      credentials?: { user: string; password: string },
    ): boolean;
  }
  const digest: DigestModule;
  export default digest;
}
