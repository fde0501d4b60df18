import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { digestMatches, parseAksk, parseCreated } from '#libs/auth';
import { ResultCodes } from '#libs/contracts';
import { APP_LOGGER, JsonLogger, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { AppDirectory, type DirectoryApp } from '../directory/app-directory.service.js';
import { RestError } from '../http/rest-error.js';

/**
 * The seed's AKSK check, in the order a client can act on: header faults (1023xxx), unknown
 * app_key (1010003), Created outside the skew window (1010013), wrong digest (1010010); a nonce
 * seen before within the window is refused when the request is accepted (1010010: a replayed
 * digest is no longer valid).
 */
@Injectable()
export class AkskAuthenticator implements OnApplicationBootstrap, OnApplicationShutdown {
  private cleanupTimer?: NodeJS.Timeout;

  constructor(
    private readonly apps: AppDirectory,
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.cleanupTimer = setInterval(() => {
      this.dataSource.query('DELETE FROM auth_nonces WHERE expires_at < now()').catch((error: Error) =>
        this.logger.warn('nonce cleanup failed', { error: error.message }),
      );
    }, 60_000);
    this.cleanupTimer.unref();
  }

  onApplicationShutdown(): void {
    if (this.cleanupTimer) clearInterval(this.cleanupTimer);
  }

  async authenticate(authorization: string | undefined, xAksk: string | undefined, now = Date.now()): Promise<{ app: DirectoryApp; nonce: NonceClaim }> {
    const parsed = parseAksk(authorization, xAksk);
    if (!parsed.ok) throw new RestError(parsed.fault, parsed.detail);
    const { credentials } = parsed;

    const app = await this.apps.find(credentials.appKey);
    if (!app) throw new RestError(ResultCodes.INVALID_APP_KEY);

    const created = parseCreated(credentials.created);
    if (created === null) throw new RestError(ResultCodes.TIME_OUT_LIMIT, 'Created must be yyyy-MM-ddTHH:mm:ssZ');
    const skewMs = this.config.auth.skewSeconds * 1000;
    if (Math.abs(now - created) > skewMs) throw new RestError(ResultCodes.TIME_OUT_LIMIT);

    if (!digestMatches(app.appSecret, credentials)) throw new RestError(ResultCodes.INVALID_DIGEST);

    // The nonce is remembered until Created leaves the window (after that the window check refuses
    // it). It is recorded in the transaction that accepts the request (see CallVerifyUseCase), so
    // authentication and acceptance cost one statement together; a replay answers 401 1010010.
    return { app, nonce: { appKey: app.appKey, nonce: credentials.nonce, expiresAt: new Date(created + skewMs) } };
  }
}

/** A nonce to record, once, with the accepted request. */
export interface NonceClaim {
  appKey: string;
  nonce: string;
  expiresAt: Date;
}

export const NONCE_REPLAYED = 'Nonce already used';
