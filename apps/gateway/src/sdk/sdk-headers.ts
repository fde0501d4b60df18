import type { SdkErrorCode, SdkLanguage } from '#libs/contracts';

/** docs/contract.md#sdk-apis: the SDK headers every captcha and SMS call carries. */
export interface SdkHeaders {
  lang: SdkLanguage;
  clientId: string;
  fingerprint: string;
  osVersion: string;
  agent: string;
}

export type SdkHeadersResult =
  { ok: true; headers: SdkHeaders } | { ok: false; lang: SdkLanguage; code: SdkErrorCode; detail: string };

const REQUIRED = [
  ['x-operating-sys-version', 256],
  ['x-device-fingerprint', 128],
  ['x-agent', 1024],
  ['x-client-id', 128],
] as const;

/** `X-L`: `en…` → English; anything else (or none) → Chinese, the seed's default. */
export function languageOf(value: unknown): SdkLanguage {
  return typeof value === 'string' && value.trim().toLowerCase().startsWith('en') ? 'en' : 'zh';
}

/** Checks the required headers (present, non-blank, not too long, no control characters). */
export function parseSdkHeaders(headers: Record<string, string | string[] | undefined>): SdkHeadersResult {
  const lang = languageOf(headers['x-l']);
  const values: Record<string, string> = {};
  for (const [name, max] of REQUIRED) {
    const raw = headers[name];
    const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (!value) return { ok: false, lang, code: 'HEADER_MISSING', detail: name };
    // eslint-disable-next-line no-control-regex
    if (value.length > max || /[\u0000-\u001f\u007f]/.test(value))
      return { ok: false, lang, code: 'PARAMETER_INVALID', detail: name };
    values[name] = value;
  }
  return {
    ok: true,
    headers: {
      lang,
      clientId: values['x-client-id']!,
      fingerprint: values['x-device-fingerprint']!,
      osVersion: values['x-operating-sys-version']!,
      agent: values['x-agent']!,
    },
  };
}
