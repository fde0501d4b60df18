import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CAPTCHA_RPC_QUEUE, Exchanges, type CaptchaRpcReply, type CaptchaRpcRequest } from '#libs/contracts';
import { Broker, RpcClient, RpcTimeoutError, RpcUnavailableError } from '#libs/messaging';
import { APP_LOGGER, JsonLogger, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';

/** The gateway's side of the captcha RPC: one request, one answer, within VERIGATE_CAPTCHA_RPC_TIMEOUT_MS. */
@Injectable()
export class CaptchaRpcClient implements OnModuleInit, OnApplicationShutdown {
  private readonly rpc: RpcClient;

  constructor(
    broker: Broker,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
  ) {
    this.rpc = new RpcClient(broker, logger.child({ component: 'captcha-rpc' }));
  }

  async onModuleInit(): Promise<void> {
    await this.rpc.start();
  }

  onApplicationShutdown(): void {
    this.rpc.stop();
  }

  /** The worker's answer; `SERVICE_UNAVAILABLE` when it cannot be asked or does not answer in time. */
  async ask(request: CaptchaRpcRequest): Promise<CaptchaRpcReply> {
    try {
      return await this.rpc.call<CaptchaRpcReply>(Exchanges.commands, CAPTCHA_RPC_QUEUE, request, this.config.captcha.rpcTimeoutMs);
    } catch (error) {
      if (error instanceof RpcTimeoutError || error instanceof RpcUnavailableError) {
        this.logger.warn('captcha worker did not answer', { op: request.op, error: error.message });
        return { ok: false, code: 'SERVICE_UNAVAILABLE' };
      }
      throw error;
    }
  }
}
