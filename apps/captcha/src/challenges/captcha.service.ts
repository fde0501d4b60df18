import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import {
  emptyCaptchaBody,
  type CaptchaErrorCode,
  type CaptchaResponseBody,
  type CaptchaRpcReply,
  type CaptchaRpcRequest,
} from '#libs/contracts';
import { APP_LOGGER, JsonLogger, Metrics, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import {
  aesFormOfPlainCredential,
  captchaVerification,
  createPowChallenge,
  decodePointJson,
  newSecretKey,
  powKey,
  verifyPowSolution,
} from '#libs/auth';
import { Backgrounds } from '../images/background.js';
import { CAPTCHA_KINDS, renderCaptcha, type CaptchaKind, type RenderedCaptcha } from '../images/render.js';
import { RenderThreads } from '../images/render-threads.js';
import { CallerLimits, type CallerActivity } from '../limits/caller-limits.repository.js';
import { CaptchaSessions } from '#libs/persistence';
import { blockPuzzleCorrect, checkTrajectory, clickWordCorrect, type Point } from './answer-check.js';
import { PrerenderPool } from './prerender-pool.js';
import { behaviourSuspicious, powMaxnumber, riskSignals, type RiskSignal } from './risk.js';

/** clickWord: how far (px) a click may land from a character's centre. */
export const CLICK_RADIUS = 22;

const fail = (code: CaptchaErrorCode): CaptchaRpcReply => ({ ok: false, code });

/**
 * The captcha worker's use-cases: get (draw + store), check (one attempt per token), verify
 * (single-use credential). Answers, secret keys, tokens and credentials are never logged.
 */
@Injectable()
export class CaptchaService {
  private readonly drawDuration;
  private readonly served;
  private readonly pool: PrerenderPool<CaptchaKind, RenderedCaptcha>;
  private threads: RenderThreads | null = null;
  private readonly powDifficulty;
  private readonly managedOutcomes;
  private readonly powKey: Buffer;

  constructor(
    private readonly sessions: CaptchaSessions,
    private readonly limits: CallerLimits,
    private readonly backgrounds: Backgrounds,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
    metrics: Metrics,
  ) {
    this.drawDuration = metrics.histogram(
      'captcha_draw_seconds',
      'Drawing and encoding one captcha image set, by captcha type',
      ['captcha_type'],
    );
    this.served = metrics.counter(
      'captcha_served_total',
      'Captchas handed out by get, by kind and source (pool: rendered ahead; inline: the pool was empty)',
      ['kind', 'source'],
    );
    this.pool = new PrerenderPool<CaptchaKind, RenderedCaptcha>({
      size: config.captcha.poolSize,
      pauseMs: config.captcha.poolRefillPauseMs,
      render: (kind) => this.render(kind),
      onError: (error) => this.logger.error('captcha pre-render failed', { error }),
    });
    metrics.gauge(
      'captcha_pool_ready',
      'Captchas rendered ahead and ready in this worker, by kind',
      ['kind'],
      (gauge) => {
        const levels = this.pool.levels();
        for (const kind of CAPTCHA_KINDS) gauge.set({ kind }, levels[kind] ?? 0);
      },
    );
    this.powDifficulty = metrics.counter(
      'captcha_pow_challenges_total',
      'Proof-of-work challenges issued, by the number of risk signals that raised their difficulty',
      ['signals'],
    );
    this.managedOutcomes = metrics.counter(
      'captcha_managed_total',
      'Managed-mode requests, by outcome (passed, or the risk signal that escalated to the puzzle)',
      ['outcome'],
    );
    this.powKey = powKey(config.masterKey);
  }
  /** Deletes sessions and limit rows an hour past any use (every worker runs it; idempotent). */
  sweep(): Promise<unknown> {
    return Promise.all([this.sessions.sweep(), this.limits.sweep()]);
  }

  /**
   * Starts rendering ahead (after the backgrounds are loaded), on VERIGATE_CAPTCHA_RENDER_THREADS
   * render threads when there are any (and when running from the built JavaScript).
   */
  startPool(): void {
    const { renderThreads, backgroundsDir, decoys } = this.config.captcha;
    if (renderThreads > 0 && RenderThreads.available()) {
      this.threads = new RenderThreads(renderThreads, { backgroundsDir, decoys }, (error) =>
        this.logger.error('captcha render thread failed: rendering on the event loop from now on', { error }),
      );
    }
    this.pool.start('blockPuzzle');
  }

  async stopPool(): Promise<void> {
    this.pool.stop();
    await this.threads?.close();
  }

  /** On a render thread when there is one (falling back to the event loop if it failed). */
  private async render(kind: CaptchaKind): Promise<RenderedCaptcha> {
    let rendered: RenderedCaptcha | undefined;
    if (this.threads) rendered = await this.threads.render(kind).catch(() => undefined);
    rendered ??= await renderCaptcha(this.backgrounds, kind, this.config.captcha.decoys);
    this.drawDuration.observe({ captcha_type: kind === 'blockPuzzle' ? 'blockPuzzle' : 'clickWord' }, rendered.seconds);
    return rendered;
  }

  handle(request: CaptchaRpcRequest): Promise<CaptchaRpcReply> {
    switch (request?.op) {
      case 'get':
        return this.get(request);
      case 'check':
        return this.check(request);
      case 'verify':
        return this.verify(request);
      case 'managed':
        return this.managed(request);
      default:
        return Promise.resolve(fail('PARAMETER_INVALID'));
    }
  }

  private async get(request: Extract<CaptchaRpcRequest, { op: 'get' }>): Promise<CaptchaRpcReply> {
    const { admission, activity } = await this.limits.admitGet(request.caller);
    if (admission !== 'ok') return fail(admission);
    const token = randomBytes(16).toString('hex');
    const secretKey = newSecretKey();
    const kind: CaptchaKind =
      request.captchaType === 'clickWord' ? (request.lang === 'en' ? 'clickWord:en' : 'clickWord:zh') : 'blockPuzzle';
    const { item, fromPool } = await this.pool.take(kind);
    this.served.inc({ kind, source: fromPool ? 'pool' : 'inline' });
    const { answer, seconds: _seconds, ...images } = item;
    const body = { ...emptyCaptchaBody(), token, secretKey };
    body.originalImageBase64 = images.originalImageBase64;
    if (kind === 'blockPuzzle') body.jigsawImageBase64 = images.jigsawImageBase64;
    else body.wordList = images.wordList;
    let getRisk: RiskSignal[] = [];
    if (request.pow?.enabled)
      ({ challenge: body.pow, signals: getRisk } = this.powChallenge(activity, request.pow.underAttack, token));
    await this.sessions.insert({
      token,
      appKey: request.caller.appKey,
      captchaType: request.captchaType,
      answer,
      secretKey,
      ttlSeconds: this.config.captcha.ttlSeconds,
      fingerprint: request.caller.fingerprint,
      clientIp: request.caller.clientIp,
      addressBucket: request.caller.addressBucket,
      getRisk,
    });
    return { ok: true, body };
  }

  private async check(request: Extract<CaptchaRpcRequest, { op: 'check' }>): Promise<CaptchaRpcReply> {
    if (await this.limits.lockedOut(request.caller)) return fail('LOCKED_OUT');
    if (request.pow?.enabled) {
      const refused = this.powRefusal(request.powSolution, request.token, request.caller.appKey);
      if (refused) return fail(refused);
    }
    const claimed = await this.sessions.claim(request.token, request.caller.appKey, request.captchaType);
    if (!claimed) return fail('TOKEN_INVALID');
    const decoded = decodePointJson(request.pointJson, claimed.secretKey);
    let correct = false;
    let reason = 'wrong answer';
    if (!decoded) {
      reason = 'pointJson is neither JSON nor AES under the secretKey';
    } else if (request.captchaType === 'clickWord') {
      correct = clickWordCorrect(claimed.answer as Point[], decoded.value, CLICK_RADIUS);
    } else {
      correct = blockPuzzleCorrect(claimed.answer as Point, decoded.value, this.config.captcha.tolerancePx);
      if (correct && (request.trajectory !== undefined || this.config.captcha.requireTrajectory)) {
        const verdict = checkTrajectory(request.trajectory, (decoded.value as Point).x);
        if (!verdict.ok) {
          correct = false;
          reason = `trajectory refused: ${verdict.reason}`;
        }
      }
    }
    if (!correct || !decoded) {
      await this.sessions.fail(request.token);
      const locked = await this.limits.recordFailure(request.caller);
      this.logger.info('captcha check failed', {
        appKey: request.caller.appKey,
        captchaType: request.captchaType,
        reason,
        lockedOut: locked,
      });
      return fail('CAPTCHA_WRONG');
    }
    const verification = captchaVerification(request.token, decoded, claimed.secretKey);
    if (!(await this.sessions.pass(request.token, verification, this.config.captcha.verificationTtlSeconds)))
      return fail('TOKEN_INVALID');
    return {
      ok: true,
      body: { ...emptyCaptchaBody(), token: request.token, result: true, captchaVerification: verification },
    };
  }

  /** The ALTCHA challenge of a new captcha, as hard as the caller's risk signals make it. */
  private powChallenge(
    activity: CallerActivity,
    underAttack: boolean,
    token: string,
  ): { challenge: NonNullable<CaptchaResponseBody['pow']>; signals: RiskSignal[] } {
    const signals = riskSignals({ ...activity, underAttack }, this.config.captcha.pow);
    this.powDifficulty.inc({ signals: String(signals.length) });
    const expiresAt = new Date(Date.now() + this.config.captcha.ttlSeconds * 1000);
    const challenge = {
      ...createPowChallenge(this.powKey, {
        bindTo: token,
        maxnumber: powMaxnumber(signals, this.config.captcha.pow),
        expiresAt,
      }),
      algorithm: 'SHA-256' as const,
    };
    return { challenge, signals };
  }

  /** Why a check's proof of work is refused (null: it is good). Single use comes with the token's. */
  private powRefusal(solution: unknown, token: string, appKey: string): 'POW_REQUIRED' | 'POW_INVALID' | null {
    const verdict = verifyPowSolution(this.powKey, solution, token);
    if (verdict.ok) return null;
    this.logger.info('captcha proof of work refused', { appKey, reason: verdict.reason });
    return verdict.reason === 'missing' ? 'POW_REQUIRED' : 'POW_INVALID';
  }

  /**
   * Managed (invisible) mode: the captcha of a `get` passed on its proof of work alone when the
   * caller raises no risk signal; otherwise `result: false` with the signal in `escalated`, and
   * the same token stays open for the puzzle (check it as usual, with the same powSolution).
   */
  private async managed(request: Extract<CaptchaRpcRequest, { op: 'managed' }>): Promise<CaptchaRpcReply> {
    if (await this.limits.lockedOut(request.caller)) return fail('LOCKED_OUT');
    const escalate = (reason: RiskSignal | 'pow-off' | 'caller-changed'): CaptchaRpcReply => {
      this.managedOutcomes.inc({ outcome: reason });
      return { ok: true, body: { ...emptyCaptchaBody(), token: request.token, result: false, escalated: reason } };
    };
    // Without proof of work nothing would stand between a script and a credential.
    if (!request.pow?.enabled) return escalate('pow-off');
    const refused = this.powRefusal(request.powSolution, request.token, request.caller.appKey);
    if (refused) return fail(refused);
    const issued = await this.sessions.issued(request.token, request.caller.appKey);
    if (!issued) return fail('TOKEN_INVALID');
    // A get that was flagged stays flagged: waiting out the window, or asking from another device
    // or address, must not turn a flagged get into a credential without the puzzle.
    const flaggedAtGet = issued.getRisk?.[0];
    if (flaggedAtGet) return escalate(flaggedAtGet as RiskSignal);
    if (
      issued.getRisk === null ||
      issued.fingerprint !== request.caller.fingerprint ||
      issued.addressBucket !== request.caller.addressBucket
    )
      return escalate('caller-changed');
    const activity = await this.limits.activity(request.caller);
    // The get of this captcha counted once already: velocity is judged as at that get.
    const signals = riskSignals({ ...activity, underAttack: request.pow.underAttack }, this.config.captcha.pow);
    if (signals.length > 0) return escalate(signals[0]!);
    if (behaviourSuspicious(request.signals)) return escalate('behaviour');
    const claimed = await this.sessions.claimAnyType(request.token, request.caller.appKey);
    if (!claimed) return fail('TOKEN_INVALID');
    const verification = captchaVerification(
      request.token,
      { plain: '{"managed":true}', value: { managed: true }, encrypted: true },
      claimed.secretKey,
    );
    if (!(await this.sessions.pass(request.token, verification, this.config.captcha.verificationTtlSeconds)))
      return fail('TOKEN_INVALID');
    this.managedOutcomes.inc({ outcome: 'passed' });
    return {
      ok: true,
      body: { ...emptyCaptchaBody(), token: request.token, result: true, captchaVerification: verification },
    };
  }

  private async verify(request: Extract<CaptchaRpcRequest, { op: 'verify' }>): Promise<CaptchaRpcReply> {
    let ok = await this.sessions.consumeVerification(request.captchaVerification, request.caller.appKey);
    if (!ok) {
      const aesForm = await aesFormOfPlainCredential(request.captchaVerification, (token) =>
        this.sessions.secretKeyOfPassed(token, request.caller.appKey),
      );
      if (aesForm) ok = await this.sessions.consumeVerification(aesForm, request.caller.appKey);
    }
    if (!ok) return fail('VERIFICATION_INVALID');
    return { ok: true, body: { ...emptyCaptchaBody(), result: true } };
  }
}
