/**
 * @verigate/client: a typed client of Verigate for integrators (Node ≥ 20.3, no dependencies).
 *   VoiceClient / callVerify   the voice verification call, signed with AKSK
 *   SdkClient                  the captcha and SMS SDK APIs (AJ-Captcha's AES scheme, proof of work)
 *   AdminClient                the management API (/admin/v1)
 *   WebhookVerifier, verify…   the two signatures of webhook pushes, with replay windows
 *   VerigateError              every failure, carrying the answer's `resultcode` and HTTP status
 * Wire types come from the gateway's OpenAPI document (./types.ts).
 */
export { AdminClient, type AdminClientOptions } from './admin.js';
export { aesDecrypt, aesEncrypt, solvePow } from './aj-aes.js';
export { AKSK_AUTHORIZATION, akskCreated, akskDigest, akskNonce, signAksk } from './aksk.js';
export { errorOfBody, NO_ANSWER_CODES, VerigateError, type VerigateApi } from './errors.js';
export { getHealth } from './health.js';
export { DEFAULT_BASE_URL, type ClientOptions } from './http.js';
export { SdkClient, type CaptchaCheck, type CaptchaPoint, type SdkClientOptions, type SdkDevice } from './sdk.js';
export type * from './types.js';
export { base64Url, callVerify, VoiceClient, type VoiceClientOptions } from './voice.js';
export {
  DEFAULT_TOLERANCE_SECONDS,
  headerOf,
  pushDigest,
  ReplayWindow,
  standardWebhookSignature,
  verifyPushSignature,
  verifyStandardWebhook,
  WebhookVerifier,
  type HeaderBag,
  type PushVerifyOptions,
  type RawBody,
  type StandardWebhookVerifyOptions,
  type WebhookVerification,
  type WebhookVerifierOptions,
} from './webhooks.js';
