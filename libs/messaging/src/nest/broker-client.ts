import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { Broker } from '../broker.js';
import type { RpcClient } from '../rpc.js';

export interface BrokerClientOptions {
  /** Exchange requests and events are published to; the pattern is the routing key. */
  exchange: string;
  /** How long `send` waits for the answer (RpcTimeoutError after). */
  timeoutMs: number;
  /** `json`: `send` emits the parsed answer; `bytes`: its JSON bytes unparsed (for answers forwarded as they are). */
  answer: 'json' | 'bytes';
}

/**
 * Nest's ClientProxy over libs/messaging: `send(pattern, data)` is an RPC through RpcClient
 * (direct reply-to, expiration and deadline = the timeout, request id header; RpcTimeoutError /
 * RpcUnavailableError as the observable's error), `emit(pattern, data)` a confirmed, persistent
 * publish through the Broker. Messages that must follow a database commit do not use `emit`:
 * they go through the transactional outbox (outbox.ts), whose dispatch and relay publish with
 * the same Broker. The process's Broker connection is already up, so `connect` has nothing to do;
 * the owner starts the RpcClient (its reply channel) once.
 */
export class BrokerClient extends ClientProxy {
  constructor(
    private readonly broker: Broker,
    private readonly rpc: RpcClient,
    private readonly options: BrokerClientOptions,
  ) {
    super();
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    // The connection belongs to the process (PlatformModule closes it last).
  }

  unwrap<T>(): T {
    return this.broker as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const routingKey = this.normalizePattern(packet.pattern);
    const { exchange, timeoutMs } = this.options;
    const answer =
      this.options.answer === 'bytes'
        ? this.rpc.callRaw(exchange, routingKey, packet.data, timeoutMs)
        : this.rpc.call(exchange, routingKey, packet.data, timeoutMs);
    answer.then(
      (response) => callback({ response, isDisposed: true }),
      (err: unknown) => callback({ err, isDisposed: true }),
    );
    // Nothing to cancel: a late answer is dropped by RpcClient.
    return () => undefined;
  }

  protected async dispatchEvent<T = void>(packet: ReadPacket): Promise<T> {
    await this.broker.publish(this.options.exchange, this.normalizePattern(packet.pattern), packet.data);
    return undefined as T;
  }
}
