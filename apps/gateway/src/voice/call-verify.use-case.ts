import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SecretBox } from '#libs/auth';
import { Exchanges, ResultCodes, RoutingKeys, type PlaceCallCommand } from '#libs/contracts';
import { Outbox, outboxInsertFrom, type OutboxRow } from '#libs/messaging';
import { preparedRows } from '#libs/persistence';
import { APP_LOGGER, JsonLogger } from '#libs/runtime';
import { AppDirectory, type DirectoryApp, type PlatformLists } from '../directory/app-directory.service.js';
import { NONCE_REPLAYED, type NonceClaim } from './aksk-authenticator.service.js';
import { inRestHours, ipAllowed } from './call-admission.js';
import { RestError } from '../http/rest-error.js';
import type { CallVerifyRequest } from './call-verify.validation.js';
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
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly ports: VoicePortGauge,
    private readonly directory: AppDirectory,
    private readonly secretBox: SecretBox,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
  ) {}

  /** Checks that come before reading the body: who may call at all. */
  admit(app: DirectoryApp, clientIp: string): void {
    if (app.status === 'suspended') throw new RestError(ResultCodes.APP_KEY_SUSPENDED);
    if (app.status === 'unavailable') throw new RestError(ResultCodes.APP_UNAVAILABLE);
    if (!app.permissions.includes('voice')) throw new RestError(ResultCodes.API_NOT_PERMITTED);
    if (!ipAllowed(app.ipWhitelist, clientIp)) throw new RestError(ResultCodes.IP_NOT_WHITELISTED);
  }

  async execute(app: DirectoryApp, nonce: NonceClaim, request: CallVerifyRequest, now = new Date()): Promise<CallVerifyResult> {
    if (inRestHours(app.restHours, now)) throw new RestError(ResultCodes.REST_HOURS);

    const platformLists = await this.directory.platformLists();
    const blacklisted = (n: string) => platformLists.blacklist.has(n) || app.blacklist.has(n);
    const displayNbr = this.chooseDisplayNumber(app, request.displayNbr, blacklisted);
    this.checkLists(app, platformLists, displayNbr, request.calleeNbr);
    if (!app.approvedTones.has(request.preTone)) throw RestError.parameter(`preTone "${request.preTone}" is not an approved tone file of this app`);
    if (request.posTone !== null && !app.approvedTones.has(request.posTone)) {
      throw RestError.parameter(`posTone "${request.posTone}" is not an approved tone file of this app`);
    }

    // Asked before accepting: once the session is committed, nothing may turn the answer into an
    // error. The port this call will take is no longer idle.
    const idlePort = request.returnIdlePort ? Math.max(0, (await this.ports.idlePorts()) - 1) : undefined;
    const sessionId = randomUUID();
    const command: PlaceCallCommand = { sessionId };
    // One statement: the nonce (a replay inserts nothing, so nothing follows), the session and
    // its place-call command commit together or not at all.
    const outboxRows = await preparedRows<OutboxRow>(this.dataSource,
      `WITH nonce AS (
         INSERT INTO auth_nonces (app_key, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1
       ), session AS (
         INSERT INTO call_sessions (id, app_id, app_key, display_nbr, requested_display_nbr, callee_nbr, language_type,
                                    pre_tone, pos_tone, verify_code_sealed, times, status_url, fee_url, user_data)
         SELECT $4, $5, $1, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16 FROM nonce
         RETURNING id
       )
       ${outboxInsertFrom('SELECT $17, $18, session.id, $19::json FROM session')}`,
      [
        nonce.appKey, nonce.nonce, nonce.expiresAt,
        sessionId, app.id, displayNbr, request.displayNbr, request.calleeNbr, request.languageType,
        request.preTone, request.posTone, this.secretBox.seal(request.verifyCode), request.times,
        request.statusUrl, request.feeUrl, request.userData,
        Exchanges.commands, RoutingKeys.placeCall, JSON.stringify(command),
      ],
    );
    if (outboxRows.length === 0) throw new RestError(ResultCodes.INVALID_DIGEST, NONCE_REPLAYED);
    void this.outbox.dispatch(outboxRows);
    this.logger.info('call accepted', { sessionId, appKey: app.appKey });

    return idlePort === undefined ? { sessionId } : { sessionId, idlePort };
  }

  /**
   * Black and white lists, platform-wide and the app's own: a blacklisted callee (1013004) or
   * display number (1013010) is refused; when any whitelist applies to the app, only callees on
   * it may be called (1013011).
   */
  private checkLists(app: DirectoryApp, platform: PlatformLists, displayNbr: string, calleeNbr: string): void {
    if (platform.blacklist.has(calleeNbr) || app.blacklist.has(calleeNbr)) throw new RestError(ResultCodes.CALLEE_BLACKLISTED);
    if (platform.blacklist.has(displayNbr) || app.blacklist.has(displayNbr)) throw new RestError(ResultCodes.CALLER_BLACKLISTED);
    const whitelisted = platform.whitelist.size + app.whitelist.size > 0;
    if (whitelisted && !platform.whitelist.has(calleeNbr) && !app.whitelist.has(calleeNbr)) throw new RestError(ResultCodes.CALLEE_NOT_WHITELISTED);
  }

  /**
   * The seed: displayNbr must be a number of the app; if it is suspended, another available
   * number of the app is used instead.
   */
  private chooseDisplayNumber(app: DirectoryApp, requested: string, blacklisted: (n: string) => boolean): string {
    const status = app.numbers.get(requested);
    if (status === undefined) throw new RestError(ResultCodes.INVALID_DISPLAY_NUMBER, `${requested} is not a display number of this app`);
    if (status === 'normal') return requested;
    // A replacement is never a blacklisted number (that would refuse the call at random).
    const available = [...app.numbers].filter(([n, s]) => s === 'normal' && !blacklisted(n)).map(([n]) => n);
    if (available.length === 0) throw new RestError(ResultCodes.INVALID_DISPLAY_NUMBER, 'the display number is suspended and the app has no other available number');
    return available[Math.floor(Math.random() * available.length)]!;
  }
}
