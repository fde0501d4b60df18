import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { digestMatches, parseAksk, parseCreated } from '#libs/auth';
import { ResultCodes } from '#libs/contracts';
import { APP_LOGGER, JsonLogger, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { AppDirectory, type DirectoryApp } from '../directory/app-directory.service.js';
import { RestError } from '../http/rest-error.js';
import { IpGuard } from '../policy/ip-guard.service.js';
import { AuthNoncesRepository } from './auth-nonces.repository.js';

/** What an app_key can look like (ours are 28 alphanumerics; imported keys may use - and _). */
const APP_KEY = /^[A-Za-z0-9_-]{1,64}$/;

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
    private readonly ipGuard: IpGuard,
    private readonly nonces: AuthNoncesRepository,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap(): void {
    // Expired nonces, counter windows and bans (every gateway does it; the deletes are idempotent).
    this.cleanupTimer = setInterval(() => {
      this.nonces
        .deleteExpired()
        .catch((error: Error) => this.logger.warn('expired-row cleanup failed', { error: error.message }));
    }, 60_000);
    this.cleanupTimer.unref();
  }

  onApplicationShutdown(): void {
    if (this.cleanupTimer) clearInterval(this.cleanupTimer);
  }

  /**
   * `clientIp` is charged with an authentication failure (towards the 1020176 ban) for every header
   * fault (missing, malformed or oversized `Authorization` / `X-AKSK`, a foreign realm such as a
   * replayed webhook push's `SDP-PUSH`), an unknown or malformed app_key and an invalid digest: the
   * failures a credential-guessing or header-fuzzing client makes. Each keeps its own answer.
   */
  async authenticate(
    authorization: string | undefined,
    xAksk: string | undefined,
    clientIp: string,
    now = Date.now(),
  ): Promise<{ app: DirectoryApp & { appSecret: string }; nonce: NonceClaim }> {
    const parsed = parseAksk(authorization, xAksk);
    if (!parsed.ok) {
      await this.ipGuard.recordAuthFailure(clientIp);
      throw new RestError(parsed.fault, parsed.detail);
    }
    const { credentials } = parsed;

    // No app_key has other characters or is longer: refused without a lookup (500 per the seed).
    if (!APP_KEY.test(credentials.appKey)) {
      await this.ipGuard.recordAuthFailure(clientIp);
      throw new RestError(ResultCodes.APP_KEY_INVALID, 'Username must be 1-64 letters, digits, - or _');
    }
    const app = await this.apps.find(credentials.appKey);
    if (!app) {
      await this.ipGuard.recordAuthFailure(clientIp);
      throw new RestError(ResultCodes.INVALID_APP_KEY);
    }
    if (app.appSecret === null) throw new RestError(ResultCodes.AUTH_INTERNAL_ERROR);

    const created = parseCreated(credentials.created);
    if (created === null) throw new RestError(ResultCodes.TIME_OUT_LIMIT, 'Created must be yyyy-MM-ddTHH:mm:ssZ');
    const skewMs = this.config.auth.skewSeconds * 1000;
    if (Math.abs(now - created) > skewMs) throw new RestError(ResultCodes.TIME_OUT_LIMIT);

    if (!digestMatches(app.appSecret, credentials)) {
      await this.ipGuard.recordAuthFailure(clientIp);
      throw new RestError(ResultCodes.INVALID_DIGEST);
    }

    // The nonce is remembered until Created leaves the window (after that the window check refuses
    // it). It is recorded in the transaction that accepts the request (see CallVerifyUseCase), so
    // authentication and acceptance cost one statement together; a replay answers 401 1010010.
    return {
      app: app as DirectoryApp & { appSecret: string },
      nonce: { appKey: app.appKey, nonce: credentials.nonce, expiresAt: new Date(created + skewMs) },
    };
  }
}

/** A nonce to record, once, with the accepted request. */
export interface NonceClaim {
  appKey: string;
  nonce: string;
  expiresAt: Date;
}

export const NONCE_REPLAYED = 'Nonce already used';
