import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  CAPTCHA_RPC_QUEUE,
  Exchanges,
  type CaptchaErrorCode,
  type CaptchaRpcReply,
  type CaptchaRpcRequest,
} from '#libs/contracts';
import { lastValueFrom } from 'rxjs';
import { Broker, BrokerClient, RpcClient, RpcTimeoutError, RpcUnavailableError } from '#libs/messaging';
import { APP_LOGGER, JsonLogger, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';

/** How the worker's JSON.stringify writes a successful answer: `{"ok":true,"body":<the SDK body>}`. */
const OK_PREFIX = Buffer.from('{"ok":true,"body":');

/** A `get` answer: the SDK body's JSON bytes as the worker wrote them, to be sent as they are. */
export type CaptchaGetAnswer = { ok: true; json: Buffer } | { ok: false; code: CaptchaErrorCode };

/**
 * The gateway's side of the captcha RPC: one request, one answer, within
 * VERIGATE_CAPTCHA_RPC_TIMEOUT_MS, sent with Nest's ClientProxy API (BrokerClient, pattern = the
 * queue `captcha.rpc.v2`) over one RpcClient (its reply channel).
 */
@Injectable()
export class CaptchaRpcClient implements OnModuleInit, OnApplicationShutdown {
  private readonly rpc: RpcClient;
  /** Emits the parsed answer. */
  private readonly answers: BrokerClient;
  /** Emits the answer's bytes unparsed (`get`). */
  private readonly answerBytes: BrokerClient;

  constructor(
    private readonly broker: Broker,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
  ) {
    this.rpc = new RpcClient(broker, logger.child({ component: 'captcha-rpc' }));
    const options = { exchange: Exchanges.commands, timeoutMs: config.captcha.rpcTimeoutMs };
    this.answers = new BrokerClient(broker, this.rpc, { ...options, answer: 'json' });
    this.answerBytes = new BrokerClient(broker, this.rpc, { ...options, answer: 'bytes' });
  }

  async onModuleInit(): Promise<void> {
    // The RPC queue with its x-max-length (the captcha workers declare it with the same), so a request finds it.
    await this.broker.declareRpcQueue(CAPTCHA_RPC_QUEUE, this.config.captcha.rpcQueueMaxLength);
    await this.rpc.start();
  }

  onApplicationShutdown(): void {
    this.rpc.stop();
  }

  /** The worker's answer; `SERVICE_UNAVAILABLE` when it cannot be asked or does not answer in time. */
  async ask(request: CaptchaRpcRequest): Promise<CaptchaRpcReply> {
    try {
      return await lastValueFrom(this.answers.send<CaptchaRpcReply>(CAPTCHA_RPC_QUEUE, request));
    } catch (error) {
      return this.unavailable(request, error);
    }
  }

  /**
   * A `get`: the body (~50 kB of Base64 images) is not parsed and serialised again here, only cut
   * out of the answer's bytes; an error answer (small) is parsed as usual.
   */
  async askGet(request: Extract<CaptchaRpcRequest, { op: 'get' }>): Promise<CaptchaGetAnswer> {
    let content: Buffer;
    try {
      content = await lastValueFrom(this.answerBytes.send<Buffer>(CAPTCHA_RPC_QUEUE, request));
    } catch (error) {
      return this.unavailable(request, error);
    }
    if (
      content.length > OK_PREFIX.length + 1 &&
      content.subarray(0, OK_PREFIX.length).equals(OK_PREFIX) &&
      content[content.length - 1] === 0x7d /* } */
    ) {
      return { ok: true, json: content.subarray(OK_PREFIX.length, content.length - 1) };
    }
    const reply = JSON.parse(content.toString('utf8')) as CaptchaRpcReply;
    return reply.ok ? { ok: true, json: Buffer.from(JSON.stringify(reply.body)) } : reply;
  }

  private unavailable(request: CaptchaRpcRequest, error: unknown): { ok: false; code: 'SERVICE_UNAVAILABLE' } {
    if (error instanceof RpcTimeoutError || error instanceof RpcUnavailableError) {
      this.logger.warn('captcha worker did not answer', { op: request.op, error: error.message });
      return { ok: false, code: 'SERVICE_UNAVAILABLE' };
    }
    throw error;
  }
}
