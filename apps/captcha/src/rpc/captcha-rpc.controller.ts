import {
  Controller,
  Inject,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CAPTCHA_RPC_QUEUE, SDK_ERRORS, type CaptchaRpcReply, type CaptchaRpcRequest } from '#libs/contracts';
import { Broker } from '#libs/messaging';
import {
  APP_LOGGER,
  boundedLabel,
  JsonLogger,
  Metrics,
  PLATFORM_CONFIG,
  secondsSince,
  type PlatformConfig,
} from '#libs/runtime';
import { CaptchaService } from '../challenges/captcha.service.js';
import { Backgrounds } from '../images/background.js';
import { registerCaptchaFont } from '../images/fonts.js';
import { captchaReplyJson } from './reply-json.js';

const OPERATIONS = ['get', 'check', 'verify', 'managed'];
const ERROR_CODES = Object.keys(SDK_ERRORS);
/** On shutdown, requests being answered get this long; the rest are handed back (requeued) when the channel closes. */
const DRAIN_MS = 5000;

/**
 * Thin adapter: captcha RPC requests from the durable queue `captcha.rpc.v2` (BrokerServer, prefetch
 * VERIGATE_CAPTCHA_PREFETCH, see CaptchaModule) → CaptchaService; the answer is the reply.
 */
@Controller()
export class CaptchaRpcController implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private sweeper?: NodeJS.Timeout;
  private readonly rpcs;
  private readonly rpcDuration;

  constructor(
    private readonly broker: Broker,
    private readonly service: CaptchaService,
    private readonly backgrounds: Backgrounds,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
    metrics: Metrics,
  ) {
    this.rpcs = metrics.counter(
      'captcha_rpc_total',
      'Captcha RPC requests answered, by operation (get, check, verify, managed) and result (ok or the SDK error code)',
      ['operation', 'result'],
    );
    this.rpcDuration = metrics.histogram(
      'captcha_rpc_duration_seconds',
      'Time this worker spent on a captcha RPC request',
      ['operation'],
    );
  }

  /** The service's answer, counted and timed (an exception becomes INTERNAL_ERROR, counted too). */
  private async answer(request: CaptchaRpcRequest): Promise<CaptchaRpcReply> {
    const operation = boundedLabel((request as { op?: unknown } | undefined)?.op, OPERATIONS);
    const started = process.hrtime.bigint();
    let reply: CaptchaRpcReply = { ok: false, code: 'INTERNAL_ERROR' };
    try {
      reply = await this.service.handle(request);
      return reply;
    } finally {
      this.rpcDuration.observe({ operation }, secondsSince(started));
      this.rpcs.inc({ operation, result: reply.ok ? 'ok' : boundedLabel(reply.code, ERROR_CODES) });
    }
  }

  /** The answer's JSON bytes (captchaReplyJson): the transport sends them to the requester as they are. */
  @MessagePattern(CAPTCHA_RPC_QUEUE)
  async request(@Payload() request: CaptchaRpcRequest): Promise<Buffer> {
    let reply: CaptchaRpcReply;
    try {
      reply = await this.answer(request);
    } catch (error) {
      this.logger.error('captcha request failed', { op: (request as { op?: string })?.op, error });
      reply = { ok: false, code: 'INTERNAL_ERROR' };
    }
    return captchaReplyJson(reply);
  }

  async onApplicationBootstrap(): Promise<void> {
    registerCaptchaFont();
    const images = await this.backgrounds.loadFolder(this.config.captcha.backgroundsDir);
    if (this.config.captcha.backgroundsDir)
      this.logger.info('captcha backgrounds loaded', { dir: this.config.captcha.backgroundsDir, images });
    this.service.startPool();
    // The RPC queue of earlier versions (captcha.rpc with .dead/.retry): gone once drained.
    this.broker
      .deleteObsoleteQueues()
      .catch((error: Error) => this.logger.warn('could not look for obsolete queues', { error: error.message }));
    this.sweeper = setInterval(() => {
      this.service.sweep().catch((error: Error) => this.logger.warn('captcha sweep failed', { error: error.message }));
    }, 60_000);
    this.sweeper.unref();
  }

  /** Stops taking requests, then lets the ones in hand be answered before the connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.service.stopPool();
    await this.broker.stopConsuming();
    await this.broker.drain(DRAIN_MS);
  }

  onApplicationShutdown(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }
}
