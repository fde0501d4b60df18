import { aesEncrypt } from './aj-aes.js';
import { exchange, expectJson, type ClientOptions } from './http.js';
import type {
  CaptchaCheckRequest,
  CaptchaManagedRequest,
  CaptchaResponse,
  CaptchaType,
  SmsSendResult,
  SmsType,
  SmsVerifyResult,
} from './types.js';

/** The device an SDK call speaks for: the gateway rate-limits per fingerprint (and client address). */
export interface SdkDevice {
  /** X-device-fingerprint (≤ 128 characters). */
  fingerprint: string;
  /** X-operating-sys-version, e.g. `Android 10`. */
  osVersion: string;
  /** X-agent, e.g. the browser's or app's user agent. */
  agent: string;
}

export interface SdkClientOptions extends ClientOptions {
  /** X-client-id: the appKey of an app with the `captcha` (and for SMS the `sms`) permission. */
  appKey: string;
  device: SdkDevice;
  /** X-L: language of `error_msg` and of the SMS text (default `zh`, the seed's). */
  lang?: 'zh' | 'en';
  /** X-Forwarded-For of the end user, when this client runs on a proxy the gateway trusts (VERIGATE_TRUSTED_PROXIES). */
  forwardedFor?: string;
}

/** A point of a blockPuzzle answer, or each word of a clickWord answer, in picture pixels. */
export interface CaptchaPoint {
  x: number;
  y: number;
}

export interface CaptchaCheck {
  token: string;
  /** The answer: one point (blockPuzzle) or the points in order (clickWord). */
  answer: CaptchaPoint | CaptchaPoint[];
  /** The `secretKey` of the get: the answer is sent AES-encrypted with it (AJ-Captcha's scheme); without it, as plain JSON. */
  secretKey?: string | null;
  captchaType?: CaptchaType;
  /** `[[ms, x, y], …]` of the drag, when the app collects it. */
  trajectory?: CaptchaCheckRequest['trajectory'];
  /** The solved proof of work of the get (see solvePow), when the app requires it. */
  powSolution?: string;
}

const SDK = '/api/v2/sdk';

/**
 * The captcha and SMS SDK APIs (AJ-Captcha compatible), as a phone app or a backend acting for
 * one calls them. A refusal throws a VerigateError whose `resultcode` is the `error_code`
 * (`CAPTCHA.CAPTCHA_WRONG`, `SMS.RESEND_TOO_SOON`, …).
 */
export class SdkClient {
  constructor(private readonly options: SdkClientOptions) {}

  private headers(): Record<string, string> {
    const { appKey, device, lang, forwardedFor } = this.options;
    return {
      'x-client-id': appKey,
      'x-device-fingerprint': device.fingerprint,
      'x-operating-sys-version': device.osVersion,
      'x-agent': device.agent,
      ...(lang ? { 'x-l': lang } : {}),
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    };
  }

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    json?: unknown,
    query?: Record<string, string>,
  ): Promise<T> {
    const headers = this.headers();
    if (json !== undefined) headers['content-type'] = 'application/json;charset=UTF-8';
    const answer = await exchange('sdk', this.options, { method, path: `${SDK}${path}`, headers, json, query });
    return expectJson<T>('sdk', answer);
  }

  /** A new captcha: its picture(s), `token`, `secretKey` and, for apps with proof of work, `pow`. */
  getCaptcha(captchaType: CaptchaType = 'blockPuzzle'): Promise<CaptchaResponse> {
    return this.call('GET', '/captcha', undefined, { captchaType });
  }

  /** Checks an answer (one attempt per token): `result: true` and the `captchaVerification` credential. */
  checkCaptcha(check: CaptchaCheck): Promise<CaptchaResponse> {
    const plain = JSON.stringify(check.answer);
    const body: CaptchaCheckRequest = {
      captchaType: check.captchaType ?? 'blockPuzzle',
      token: check.token,
      pointJson: check.secretKey ? aesEncrypt(plain, check.secretKey) : plain,
      ...(check.trajectory ? { trajectory: check.trajectory } : {}),
      ...(check.powSolution ? { powSolution: check.powSolution } : {}),
    };
    return this.call('POST', '/captcha/check', body);
  }

  /** Managed (invisible) mode: a credential for the proof of work alone when the risk is low, else `escalated`. */
  managedCaptcha(request: CaptchaManagedRequest): Promise<CaptchaResponse> {
    return this.call('POST', '/captcha/managed', request);
  }

  /** Secondary verification of a captchaVerification (single use), as a backend does before trusting it. */
  verifyCaptcha(captchaVerification: string): Promise<CaptchaResponse> {
    return this.call('POST', '/captcha/verify', { captchaVerification });
  }

  /** Sends a code by SMS; `captchaToken` is a captchaVerification of this app (single use). */
  sendSms(request: { mobile: string; type: SmsType; captchaToken: string }): Promise<SmsSendResult> {
    return this.call('POST', '/sms/send', {
      mobile: request.mobile,
      type: request.type,
      captcha_token: request.captchaToken,
    });
  }

  /** Verifies a code (single use): `{result: true}`, else a VerigateError such as `SMS.CODE_WRONG`. */
  verifySms(request: { mobile: string; type: SmsType; code: string }): Promise<SmsVerifyResult> {
    return this.call('POST', '/sms/verify', request);
  }
}
