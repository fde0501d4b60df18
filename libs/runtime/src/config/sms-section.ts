import * as z from 'zod';
import { isPrefix } from './env-reader.js';
import {
  documented,
  envInt,
  envList,
  envOneOf,
  envSecret,
  envString,
  inRowOf,
  urlRefusal,
  VARIABLE,
} from './env-schema.js';
import { parseSmppUrl } from './smpp-url.js';

/**
 * The `sms` section: VERIGATE_SMS_* and VERIGATE_SMPP_*, in the order of the README's "SMS
 * configuration" table (scripts/config-reference.mjs writes it from this schema). loadSmsConfig
 * checks the rules between variables (the provider and what it needs).
 */

const refusal = (ctx: { issues: unknown[]; value: string }, message: string) =>
  (ctx.issues as { code: 'custom'; input: string; message: string }[]).push({
    code: 'custom',
    input: ctx.value,
    message,
  });

/** VERIGATE_SMPP_URL: the parsed URL, null when unset; a refusal never echoes it (it carries the password). */
function smppUrl() {
  return envSecret('').transform((text, ctx) => {
    if (!text) return null;
    const parsed = parseSmppUrl(text);
    if (typeof parsed !== 'string') return parsed;
    ctx.issues.push({ code: 'custom', input: '', message: `${VARIABLE} ${parsed}` });
    return z.NEVER;
  });
}

function maxLength(max: number) {
  return envString('').check((ctx) => {
    if (ctx.value.length > max) refusal(ctx, `${VARIABLE} must be at most ${max} characters`);
  });
}

function countryCode() {
  return envString('').check((ctx) => {
    if (!/^\d{0,6}$/.test(ctx.value))
      refusal(ctx, `${VARIABLE}="${ctx.value}" must be up to 6 digits (a country code such as 86)`);
  });
}

function httpProviderUrl() {
  return envString('').check((ctx) => {
    const refused = ctx.value ? urlRefusal(ctx.value, ['http:', 'https:']) : null;
    if (refused) refusal(ctx, refused);
  });
}

/** VERIGATE_SMS_MOBILE_PATTERN: an anchored regular expression. */
function mobilePattern(fallback: string) {
  return envString(fallback).transform((text, ctx) => {
    let pattern: RegExp;
    try {
      pattern = new RegExp(text);
    } catch {
      ctx.issues.push({
        code: 'custom',
        input: text,
        message: `${VARIABLE}="${text}" is not a valid regular expression`,
      });
      return z.NEVER;
    }
    if (text.startsWith('^') && text.endsWith('$')) return pattern;
    ctx.issues.push({ code: 'custom', input: text, message: `${VARIABLE}="${text}" must be anchored with ^ and $` });
    return z.NEVER;
  });
}

export const smsSection = z.object({
  VERIGATE_SMS_PROVIDER: documented(envOneOf('log', ['log', 'smpp', 'http']), {
    default: '`log`',
    meaning:
      '`log`, `smpp` or `http`; with `NODE_ENV=production` the sms worker needs `smpp` or `http` (`docker-compose.yml` has no default: compose refuses to start without it)',
  }),
  VERIGATE_SMPP_URL: documented(smppUrl(), {
    default: '–',
    meaning: '`smpp://system_id:password@host[:port]` (port 2775; `ssmpp://` = TLS, 3550); required with `smpp`',
  }),
  VERIGATE_SMPP_SOURCE_ADDR: documented(maxLength(20), {
    default: 'empty',
    meaning: '`source_addr` (a short code, or an alphanumeric sender)',
  }),
  VERIGATE_SMPP_DEST_PREFIX: documented(countryCode(), {
    default: 'empty',
    meaning:
      'the country code of national mobiles, e.g. `86`: the sms worker puts it before the mobile in `destination_addr` (then TON international); the gateway forms SMS velocity prefixes and matches `VERIGATE_SMS_BLOCKED_PREFIXES` with it, so give it to every app (read with or without `VERIGATE_SMPP_URL`)',
  }),
  VERIGATE_SMPP_SYSTEM_TYPE: documented(maxLength(12), { default: 'empty', meaning: '`system_type` of the bind' }),
  VERIGATE_SMPP_WINDOW: documented(envInt(10, 1, 1000), {
    default: '`10`',
    meaning: 'submit_sm awaiting a response at once, per connection',
  }),
  VERIGATE_SMPP_ENQUIRE_LINK_S: documented(envInt(30, 1, 3600), { default: '`30`', meaning: 'keep-alive interval' }),
  VERIGATE_SMPP_RESPONSE_TIMEOUT_MS: documented(envInt(10_000, 100, 600_000), {
    default: '`10000`',
    meaning: 'a peer silent this long is disconnected and dialled again',
  }),
  VERIGATE_SMS_HTTP_URL: documented(httpProviderUrl(), {
    variable: '`VERIGATE_SMS_HTTP_URL` / `VERIGATE_SMS_HTTP_SECRET`',
    default: '–',
    meaning: "the `http` provider's endpoint and signing secret (≥ 16 characters)",
  }),
  VERIGATE_SMS_HTTP_SECRET: inRowOf(envSecret(''), 'VERIGATE_SMS_HTTP_URL'),
  VERIGATE_SMS_LOG_FILE: documented(envString('var/sms-log.jsonl'), {
    default: '`var/sms-log.jsonl`',
    meaning: "the `log` provider's file",
  }),
  VERIGATE_SMS_MOBILE_PATTERN: documented(mobilePattern('^[0-9]{11}$'), {
    default: '`^[0-9]{11}$`',
    meaning: 'what a valid `mobile` is (anchored regular expression), for other national formats',
  }),
  VERIGATE_SMS_PREFETCH: documented(envInt(64, 1, 10_000), {
    default: '`64`',
    meaning: 'send commands one sms worker handles at once',
  }),
  VERIGATE_SMS_CODE_LENGTH: documented(envInt(6, 4, 10), {
    default: '`6`',
    meaning: 'digits (4–10); app limit `smsCodeLength`',
  }),
  VERIGATE_SMS_CODE_TTL_S: documented(envInt(300, 30, 86_400), {
    default: '`300`',
    meaning: 'code validity; `smsCodeTtlSeconds`',
  }),
  VERIGATE_SMS_VERIFY_ATTEMPTS: documented(envInt(5, 1, 100), {
    default: '`5`',
    meaning: 'wrong attempts that kill a code; `smsVerifyAttempts`',
  }),
  VERIGATE_SMS_RESEND_COOLDOWN_S: documented(envInt(60, 0, 86_400), {
    default: '`60`',
    meaning: 'between two sends to one (mobile, type); `smsResendCooldownSeconds`',
  }),
  VERIGATE_SMS_PER_MOBILE_HOUR: documented(envInt(5, 1, 1_000_000), {
    variable: '`VERIGATE_SMS_PER_MOBILE_HOUR` / `_DAY`',
    default: '`5` / `10`',
    meaning: 'sends per mobile per rolling hour / day; `smsPerMobilePerHour` / `smsPerMobilePerDay`',
  }),
  VERIGATE_SMS_PER_MOBILE_DAY: inRowOf(envInt(10, 1, 1_000_000), 'VERIGATE_SMS_PER_MOBILE_HOUR'),
  VERIGATE_SMS_PER_DEVICE_HOUR: documented(envInt(10, 1, 1_000_000), {
    default: '`10`',
    meaning: 'per device fingerprint per hour; `smsPerDevicePerHour`',
  }),
  VERIGATE_SMS_PER_IP_HOUR: documented(envInt(50, 1, 1_000_000), {
    default: '`50`',
    meaning: 'per client IP (IPv6: /64) per hour; `smsPerIpPerHour`',
  }),
  VERIGATE_SMS_DAILY_BUDGET: documented(envInt(10_000, 1, 1_000_000_000), {
    default: '`10000`',
    meaning:
      'sends per app per UTC day, all numbers together (SMS pumping budget, `SMS.DAILY_BUDGET_EXHAUSTED`); `smsDailyBudget`',
  }),
  VERIGATE_SMS_BLOCKED_PREFIXES: documented(envList('', isPrefix, 'a number prefix such as +86170'), {
    default: 'empty',
    meaning:
      "destination prefixes never sent to, e.g. `170,171` or `+44909`, matched against `mobile` as sent (a leading `+` on either side is ignored, as in `VERIGATE_BLOCKED_CALLEE_PREFIXES`) and, with `VERIGATE_SMPP_DEST_PREFIX` set, against a national mobile's international form too (`+86170` blocks `170…`); `SMS.MOBILE_BLOCKED`",
  }),
  VERIGATE_SMS_VELOCITY_MULTIPLE: documented(envInt(10, 0, 1_000_000), {
    default: '`10`',
    meaning:
      "per-prefix velocity: sends to one prefix in the current UTC hour are refused (`SMS.PREFIX_VELOCITY_LIMIT`) beyond max(`_FLOOR`, multiple × the prefix's usual rate = its average sends per hour over the 168 hours before); `0` turns it off",
  }),
  VERIGATE_SMS_VELOCITY_FLOOR: documented(envInt(100, 1, 1_000_000_000), {
    default: '`100`',
    meaning: 'sends per hour a prefix may always have, so a new prefix is not refused on its first sends',
  }),
  VERIGATE_SMS_VELOCITY_PREFIX_DIGITS: documented(envInt(7, 1, 15), {
    default: '`7`',
    meaning:
      "the prefix: this many leading digits of the number in international form (`VERIGATE_SMPP_DEST_PREFIX`'s country code, if set, then the mobile; a `+` mobile as written)",
  }),
  VERIGATE_SMS_VERIFY_PER_DEVICE_HOUR: documented(envInt(30, 1, 1_000_000), {
    variable: '`VERIGATE_SMS_VERIFY_PER_DEVICE_HOUR` / `VERIGATE_SMS_VERIFY_PER_IP_HOUR`',
    default: '`30` / `300`',
    meaning:
      "verify calls per device fingerprint / client IP (IPv6: /64) per hour, per app (fixed windows): one caller cannot burn other people's codes",
  }),
  VERIGATE_SMS_VERIFY_PER_IP_HOUR: inRowOf(envInt(300, 1, 1_000_000), 'VERIGATE_SMS_VERIFY_PER_DEVICE_HOUR'),
});
