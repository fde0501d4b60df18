import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SecretBox } from '#libs/auth';
import { ResultCodes, type ResultCodeName } from '#libs/contracts';
import { Outbox } from '#libs/messaging';
import { CallSessionsRepository } from '#libs/persistence';
import { APP_LOGGER, currentRequestContext, JsonLogger, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { AppDirectory, type DirectoryApp, type PlatformLists } from '../directory/app-directory.service.js';
import { NONCE_REPLAYED, type NonceClaim } from './aksk-authenticator.service.js';
import { inRestHours, ipAllowed } from './call-admission.js';
import { callCounterClaims, counterArrays, internationalRefusal, requestCounterClaims } from './call-policy.js';
import { calleeBlocked } from '../policy/number-ranges.js';
import { ADMISSION_REFUSED_SQLSTATE } from '../http/admission-refused.js';
import { RestError } from '../http/rest-error.js';
import type { CallVerifyRequest } from './call-verify.schema.js';
import { RateCountersRepository } from './rate-counters.repository.js';
import { VoicePortGauge } from './voice-port-gauge.service.js';

export interface CallVerifyResult {
  sessionId: string;
  idlePort?: number;
}

/**
 * Accepts a voice verification call: checks the app's rights and resources, then writes the
 * request's nonce, the session and its place-call command atomically (the transactional outbox),
 * so an answered request is never lost and its command is published even if RabbitMQ is away.
 */
@Injectable()
export class CallVerifyUseCase {
  constructor(
    private readonly sessions: CallSessionsRepository,
    private readonly counters: RateCountersRepository,
    private readonly outbox: Outbox,
    private readonly ports: VoicePortGauge,
    private readonly directory: AppDirectory,
    private readonly secretBox: SecretBox,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
  ) {}

  /** Checks that come before reading the body: who may call at all. */
  admit(app: DirectoryApp, clientIp: string): void {
    if (app.status === 'suspended') throw new RestError(ResultCodes.APP_KEY_SUSPENDED);
    if (app.status === 'unavailable') throw new RestError(ResultCodes.APP_UNAVAILABLE);
    if (app.enterpriseStatus === 'suspended') throw new RestError(ResultCodes.SUB_ENTERPRISE_SUSPENDED);
    if (app.stage === 'test' && this.config.controls.addressKind === 'commercial')
      throw new RestError(ResultCodes.COMMERCIAL_ADDRESS_FORBIDDEN);
    if (!app.permissions.includes('voice')) throw new RestError(ResultCodes.API_NOT_PERMITTED);
    if (!ipAllowed(app.ipWhitelistList, clientIp)) throw new RestError(ResultCodes.IP_NOT_WHITELISTED);
  }

  /**
   * The app's API quota (1010009) and the platform's flow limit (403 1010010), counted for every
   * authenticated request whatever its outcome. Losing the last counts in a database crash is
   * harmless, so this commit does not wait for the disk.
   */
  async takeRequestQuota(app: DirectoryApp): Promise<void> {
    const claims = requestCounterClaims(app.id, app.limits, this.config.controls);
    if (claims.length === 0) return;
    await this.refusingQuery(() => this.counters.takeWithoutFlush(counterArrays(claims)));
  }

  async execute(
    app: DirectoryApp,
    nonce: NonceClaim,
    request: CallVerifyRequest,
    now = new Date(),
  ): Promise<CallVerifyResult> {
    if (inRestHours(app.restHours, now)) throw new RestError(ResultCodes.REST_HOURS);

    const platformLists = await this.directory.platformLists();
    const blacklisted = (n: string) => platformLists.blacklist.has(n) || app.blacklist.has(n);
    const displayNbr = await this.chooseDisplayNumber(app, request.displayNbr, blacklisted);
    if (displayNbr === request.calleeNbr)
      throw new RestError(ResultCodes.INVALID_CALLER_NUMBER, 'the display number is the callee');
    const controls = this.config.controls;
    if (calleeBlocked(request.calleeNbr, controls.blockedCalleePrefixes))
      throw new RestError(ResultCodes.SECURITY_COMMON_ERROR, 'the callee is in a range the platform does not call');
    const international = internationalRefusal(app.international, controls.homePrefixes, {
      displayNbr,
      calleeNbr: request.calleeNbr,
    });
    if (international) throw new RestError(international);
    this.checkLists(app, platformLists, displayNbr, request.calleeNbr);
    if (!app.approvedTones.has(request.preTone))
      throw RestError.parameter(`preTone "${request.preTone}" is not an approved tone file of this app`);
    if (request.posTone !== null && !app.approvedTones.has(request.posTone)) {
      throw RestError.parameter(`posTone "${request.posTone}" is not an approved tone file of this app`);
    }

    // Ports: the cached count decides whether the exact (serialised) check is needed; above the
    // threshold a burst within the cache's 250 ms may take a few more ports than are idle (the
    // calls then wait for a port in RabbitMQ). The app's own limit is always checked exactly.
    const cachedIdle = await this.ports.idlePorts();
    const exactPlatformCheck = cachedIdle < controls.exactPortCheckBelow;
    if (!exactPlatformCheck && cachedIdle <= 0) throw new RestError(ResultCodes.INSUFFICIENT_VOICE_PORTS);
    // The port this call will take is no longer idle.
    const idlePort = request.returnIdlePort ? Math.max(0, cachedIdle - 1) : undefined;
    const counters = counterArrays(
      callCounterClaims(app.id, app.limits, controls, { displayNbr, calleeNbr: request.calleeNbr }),
    );

    const sessionId = randomUUID();
    // One statement (CallSessionsRepository.accept): the callee's recent failures (1013101), the
    // frequency caps and port limits, the nonce, the session and its place-call command commit
    // together or not at all; a refusal keeps nothing.
    const outboxRows = await this.refusingQuery(() =>
      this.sessions.accept({
        nonce,
        sessionId,
        appId: app.id,
        displayNbr,
        requestedDisplayNbr: request.displayNbr,
        calleeNbr: request.calleeNbr,
        languageType: request.languageType,
        preTone: request.preTone,
        posTone: request.posTone,
        verifyCodeSealed: this.secretBox.seal(request.verifyCode),
        times: request.times,
        statusUrl: request.statusUrl,
        feeUrl: request.feeUrl,
        userData: request.userData,
        counters,
        appVoicePorts: app.voicePorts,
        exactPlatformCheck,
        abnormalCalleeFailures: controls.abnormalCalleeFailures,
        abnormalCalleeWindowSeconds: controls.abnormalCalleeWindowSeconds,
      }),
    );
    if (outboxRows.length === 0) throw new RestError(ResultCodes.INTERNAL_ERROR, 'the call was not recorded');
    void this.outbox.dispatch(outboxRows);
    const context = currentRequestContext();
    if (context) context.sessionId = sessionId; // for the access log line
    this.logger.info('call accepted', { sessionId, appKey: app.appKey });

    return idlePort === undefined ? { sessionId } : { sessionId, idlePort };
  }

  /**
   * Runs a statement of the accepting path and turns database outcomes into answers: an admission
   * refusal (SQLSTATE VG001) into its result code, a replayed nonce into 401 1010010, the statement
   * timeout into 1023002 and any other database failure into 1020002 — nothing was kept in each case.
   */
  private async refusingQuery<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const pgError = error as { code?: string; message?: string; constraint?: string };
      if (pgError.code === ADMISSION_REFUSED_SQLSTATE && pgError.message && pgError.message in ResultCodes) {
        throw new RestError(ResultCodes[pgError.message as ResultCodeName]);
      }
      if (pgError.code === '23505' && pgError.constraint === 'auth_nonces_pkey')
        throw new RestError(ResultCodes.INVALID_DIGEST, NONCE_REPLAYED);
      if (pgError.code === '57014') throw new RestError(ResultCodes.RESPONSE_TIMEOUT);
      this.logger.error('database failure while accepting a call', { error: pgError.message, code: pgError.code });
      throw new RestError(ResultCodes.INTERNAL_ERROR);
    }
  }

  /**
   * Black and white lists, platform-wide and the app's own: a blacklisted callee (1013004) or
   * display number (1013010) is refused; when any whitelist applies to the app, only callees on
   * it may be called (1013011).
   */
  private checkLists(app: DirectoryApp, platform: PlatformLists, displayNbr: string, calleeNbr: string): void {
    if (platform.blacklist.has(calleeNbr) || app.blacklist.has(calleeNbr))
      throw new RestError(ResultCodes.CALLEE_BLACKLISTED);
    if (platform.blacklist.has(displayNbr) || app.blacklist.has(displayNbr))
      throw new RestError(ResultCodes.CALLER_BLACKLISTED);
    const whitelisted = platform.whitelist.size + app.whitelist.size > 0;
    if (whitelisted && !platform.whitelist.has(calleeNbr) && !app.whitelist.has(calleeNbr))
      throw new RestError(ResultCodes.CALLEE_NOT_WHITELISTED);
  }

  /**
   * The seed: displayNbr must be a number of the app; if it is suspended, another available
   * number of the app is used instead. An app without numbers has applied for none (1012006); a
   * number of another app is not bound to this one (1012001); a revoked number is invalid (1020151).
   */
  private async chooseDisplayNumber(
    app: DirectoryApp,
    requested: string,
    blacklisted: (n: string) => boolean,
  ): Promise<string> {
    if (app.numbers.size === 0)
      throw new RestError(ResultCodes.SERVICE_NUMBER_NOT_APPLIED, 'the app has no display numbers');
    const status = app.numbers.get(requested);
    if (status === undefined) {
      if (await this.directory.numberRegistered(requested))
        throw new RestError(ResultCodes.NUMBER_RESOURCE_NOT_APPLIED, `${requested} is not bound to this app`);
      throw new RestError(ResultCodes.SERVICE_NUMBER_NOT_APPLIED, `${requested} is not a number of the platform`);
    }
    if (status === 'revoked') throw new RestError(ResultCodes.BIND_NUM_INVALID, `${requested} has been revoked`);
    if (status === 'normal') return requested;
    // A replacement is never a blacklisted number (that would refuse the call at random).
    const available = [...app.numbers].filter(([n, s]) => s === 'normal' && !blacklisted(n)).map(([n]) => n);
    if (available.length === 0)
      throw new RestError(
        ResultCodes.SERVICE_NUMBER_SUSPENDED,
        'the display number is suspended and the app has no other available number',
      );
    return available[Math.floor(Math.random() * available.length)]!;
  }
}
