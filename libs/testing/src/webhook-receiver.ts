import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as received (what a signature is computed over). */
  rawBody: Buffer;
  body: any;
  receivedAt: number;
}

/**
 * A real HTTP receiver for webhook tests. Every request is recorded; `respond` decides the status
 * per request (default 200), so tests can play a failing or slow receiver.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  respond: (req: ReceivedRequest, countForPath: number) => number | Promise<number> = () => 200;
  private server?: Server;

  /** Listens on `port` (0: an ephemeral one); a stopped receiver can start again on its old port. */
  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void answer());
      const answer = async () => {
        const rawBody = Buffer.concat(chunks);
        const text = rawBody.toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* keep raw */
        }
        const received: ReceivedRequest = {
          path: req.url ?? '/',
          headers: req.headers,
          rawBody,
          body,
          receivedAt: Date.now(),
        };
        this.requests.push(received);
        const status = await this.respond(received, this.requests.filter((r) => r.path === received.path).length);
        res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      };
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The URL in the seed's form for statusUrl/feeUrl: Base64. */
  base64Url(path: string): string {
    return Buffer.from(this.url(path)).toString('base64');
  }

  on(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
