import fc from 'fast-check';
import { ResultCodes, SDK_ERRORS, type ResultCodeName, type SdkErrorCode } from '#libs/contracts';

/**
 * The "valid envelope" tier of the property suites: a request that is right in every respect
 * (signed, fresh credentials, distinct callers so no cap or lock-out interferes) with exactly ONE
 * body field spoiled, so each answer must carry the EXACT code of that field's rule. The field →
 * code tables below are the one place the tests state which code each kind of bad value earns;
 * they are written from the seed (table 4 (docs/contract.md#callverify-request-body) / table 6 (docs/contract.md#result-codes-callverify), docs/contract.md#sdk-apis) and the result-code tables, not read from the
 * gateway's validation, so the two are checked against each other.
 */

/** A field left out of the body altogether (as opposed to sent as null). */
export const ABSENT = Symbol('absent');

/**
 * Kinds of bad (or odd but valid) value a field can be given. `missing`/`null`: not there;
 * `empty`: ''; `wrongType`: another JSON type; `tooLong`; `badPattern`; `unicode`: look-alike
 * digits, zero-width and control characters, case-folding tricks. The rest are semantic: a
 * well-formed value the platform must refuse for what it is.
 */
export type Kind =
  | 'missing'
  | 'null'
  | 'empty'
  | 'wrongType'
  | 'tooLong'
  | 'badPattern'
  | 'unicode'
  | 'notOfPlatform'
  | 'ofAnotherApp'
  | 'sameAsDisplay'
  | 'notApproved'
  | 'otherType'
  | 'unknown'
  | 'tampered'
  | 'used'
  | 'wrongAnswer';

/** One spoiled field and the code (its name in the API's table) the answer must carry; 'OK' = accepted. */
export interface Mutation<Code extends string> {
  field: string;
  kind: Kind | 'valid';
  value: unknown;
  expected: Code | 'OK';
}

/** `valid` with the mutation applied (the field removed for ABSENT). */
export function applied(
  valid: Record<string, unknown>,
  mutation: Pick<Mutation<string>, 'field' | 'value'>,
): Record<string, unknown> {
  const body = { ...valid };
  if (mutation.value === ABSENT) delete body[mutation.field];
  else body[mutation.field] = mutation.value;
  return body;
}

/** With FC_STATS: how often each (API, field, kind) reached each code, to see the tier's coverage. */
export const mutationsSeen = new Map<string, number>();
export function recordMutation(api: string, mutation: Mutation<string>, code: string): void {
  if (!process.env.FC_STATS) return;
  const key = `${api} ${mutation.field}/${mutation.kind} → ${code}`;
  mutationsSeen.set(key, (mutationsSeen.get(key) ?? 0) + 1);
}
export function reportMutationsSeen(): void {
  if (process.env.FC_STATS)
    process.stderr.write(
      [...mutationsSeen]
        .sort()
        .map(([key, n]) => `${n}  ${key}\n`)
        .join(''),
    );
}

/** What the answer must be for an expected voice code: HTTP status and resultcode from the one result-code table. */
export function expectedVoiceAnswer(expected: ResultCodeName | 'OK'): { status: number; resultcode: string } {
  const row = ResultCodes[expected === 'OK' ? 'SUCCESS' : expected];
  return { status: row.httpStatus, resultcode: row.code };
}

/** What the answer must be for an expected SDK code: HTTP status and `API.CODE` from the one SDK error table (null = 200). */
export function expectedSdkAnswer(
  api: 'CAPTCHA' | 'SMS',
  expected: SdkErrorCode | 'OK',
): { status: number; errorCode: string | null } {
  return expected === 'OK'
    ? { status: 200, errorCode: null }
    : { status: SDK_ERRORS[expected].httpStatus, errorCode: `${api}.${expected}` };
}

// ---- value generators, invalid by construction ----

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const jsonArray = fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 });
const jsonObject = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
// Finite doubles only: NaN and Infinity become null in JSON (that is the `null` kind).
const fraction = fc
  .double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })
  .filter((d) => !Number.isInteger(d));

/** Anything but a string (and not null). */
export const notAString = fc.oneof(fc.integer(), fraction, fc.boolean(), jsonArray, jsonObject);
/** Anything but an integer (and not null); digit strings included ("2" is not 2). */
export const notAnInteger = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('1', '2', '3'),
  fraction,
  fc.boolean(),
  jsonArray,
  jsonObject,
);

const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/** Generators of each kind for a field; a kind not listed is not generated for that field. */
type KindValues = Partial<Record<Kind, fc.Arbitrary<unknown>>>;

/** Values that break a phone number (4-31 digits, optional leading +) by each kind. */
const phoneValues: KindValues = {
  empty: fc.constant(''),
  wrongType: notAString,
  tooLong: digits(32, 40).map((d) => `+${d}`),
  badPattern: fc.constantFrom(
    '+',
    '+123',
    '++8613800000021',
    '+86 13800000021',
    '+86-13800000021',
    'abc',
    '+8613800000021x',
    ' +8613800000021',
    '+8613800000021\n',
    'tel:+8613800000021',
  ),
  unicode: fc.constantFrom(
    '+８６１３８００００００２１',
    '+86\u200B13800000021',
    '+٨٦١٣٨٠٠٠٠٠٠٢١',
    '\u202E+8613800000021',
    '+8613800000021\u0000',
    '\uFEFF+8613800000021',
  ),
};

/** Values that break a tone file name (1-128 characters, no control characters, no / or \). */
const toneValues: KindValues = {
  empty: fc.constant(''),
  wrongType: notAString,
  tooLong: fc.integer({ min: 129, max: 300 }).map((n) => `${'a'.repeat(n)}.wav`),
  badPattern: fc.constantFrom(
    '../welcome.wav',
    'dir/welcome.wav',
    'dir\\welcome.wav',
    'welcome\n.wav',
    'welcome\t.wav',
  ),
  unicode: fc.constantFrom('\u0000welcome.wav', 'welcome\u001f.wav', 'welcome.wav\u0000'),
  // Well-formed names that are not the approved tone: case, NFD, full-width and zero-width twins.
  notApproved: fc.constantFrom(
    'other.wav',
    'welcome.WAV',
    'we\u0301lcome.wav',
    'welcome.wav ',
    'ｗｅｌｃｏｍｅ.wav',
    'welcome.wav\u200B',
    'welcome',
  ),
};

const notifyUrlValues: KindValues = {
  empty: fc.constant(''),
  wrongType: notAString,
  tooLong: fc.integer({ min: 100, max: 300 }).map((n) => b64(`http://${'a'.repeat(n)}.example/s`)),
  badPattern: fc.constantFrom(
    'http://127.0.0.1/s',
    b64('ftp://host/x'),
    b64('http://h/s?x=1'),
    b64('http://h/ s'),
    b64('javascript:alert(1)'),
    'aGVsbG8',
    b64('hello'),
    b64('http://h/s#f'),
    'aHR0cDovL2gvcw=',
    '====',
    b64('file:///etc/passwd'),
  ),
  unicode: fc.constantFrom(
    b64('http://héllo.example/s'),
    b64('http://h\u0000/s'),
    b64('http://ｈ.example/s'),
    '\uFF41HR0cDovL2gvcw==',
    b64('http://h.example/\u202Es'),
  ),
};

// ---- callVerify (seed table 4 (docs/contract.md#callverify-request-body) → table 6 (docs/contract.md#result-codes-callverify)) ----

export type CallVerifyField =
  | 'displayNbr'
  | 'calleeNbr'
  | 'languageType'
  | 'preTone'
  | 'verifyCode'
  | 'posTone'
  | 'times'
  | 'statusUrl'
  | 'feeUrl'
  | 'returnIdlePort'
  | 'userData';

/**
 * The code callVerify answers for each kind of bad value of each field. Required fields missing
 * (or null) and malformed values are parameter errors (1020001), except a malformed display
 * number, which table 6 (docs/contract.md#result-codes-callverify) names (1010023); a well-formed number that is no display number of the app
 * is 1012006 (unknown to the platform) or 1012001 (another app's); a callee equal to the display
 * number is 1010024; a tone that is not an approved file of the app is a parameter error. An
 * optional field missing or null is accepted ('OK'), and so is an empty statusUrl/feeUrl.
 */
const P = 'PARAMETER_ERROR' as const;
const malformed = (code: ResultCodeName) => ({
  empty: code,
  wrongType: code,
  tooLong: code,
  badPattern: code,
  unicode: code,
});
export const CALL_VERIFY_FIELD_CODES: Record<CallVerifyField, Partial<Record<Kind, ResultCodeName | 'OK'>>> = {
  displayNbr: {
    missing: P,
    null: P,
    ...malformed('INVALID_DISPLAY_NUMBER'),
    notOfPlatform: 'SERVICE_NUMBER_NOT_APPLIED',
    ofAnotherApp: 'NUMBER_RESOURCE_NOT_APPLIED',
  },
  calleeNbr: { missing: P, null: P, ...malformed(P), sameAsDisplay: 'INVALID_CALLER_NUMBER' },
  languageType: { missing: P, null: P, wrongType: P, badPattern: P },
  preTone: { missing: P, null: P, ...malformed(P), notApproved: P },
  verifyCode: { missing: P, null: P, ...malformed(P) },
  posTone: { missing: 'OK', null: 'OK', ...malformed(P), notApproved: P },
  times: { missing: 'OK', null: 'OK', wrongType: P, badPattern: P },
  statusUrl: { missing: 'OK', null: 'OK', ...malformed(P), empty: 'OK' },
  feeUrl: { missing: 'OK', null: 'OK', ...malformed(P), empty: 'OK' },
  returnIdlePort: { missing: 'OK', null: 'OK', ...malformed(P) },
  userData: { missing: 'OK', null: 'OK', ...malformed(P) },
};

/** The numbers the semantic kinds need: the app's display number and one of another app. */
export interface CallVerifyNumbers {
  displayNbr: string;
  otherAppsNumber: string;
}

export function callVerifyValues(numbers: CallVerifyNumbers): Record<CallVerifyField, KindValues> {
  return {
    displayNbr: {
      ...phoneValues,
      notOfPlatform: digits(8, 12).map((d) => `+8670${d}`),
      ofAnotherApp: fc.constant(numbers.otherAppsNumber),
    },
    calleeNbr: { ...phoneValues, sameAsDisplay: fc.constant(numbers.displayNbr) },
    languageType: {
      wrongType: notAnInteger,
      badPattern: fc.integer({ min: -1000, max: 1000 }).filter((n) => n !== 1 && n !== 2),
    },
    preTone: toneValues,
    verifyCode: {
      empty: fc.constant(''),
      wrongType: notAString,
      tooLong: digits(9, 20),
      badPattern: fc.constantFrom('1', '12a4', ' 1234', '1234 ', '12 34', '-123', '1.5', '1e5', '0x12'),
      unicode: fc.constantFrom('１２３４５６', '٣٤٥٦', '12\u200B34', '12\u000034', '¹²³'),
    },
    posTone: toneValues,
    times: { wrongType: notAnInteger, badPattern: fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 10 })) },
    statusUrl: notifyUrlValues,
    feeUrl: notifyUrlValues,
    returnIdlePort: {
      empty: fc.constant(''),
      wrongType: notAString,
      tooLong: fc.constant('truetrue'),
      badPattern: fc.constantFrom('TRUE', 'False', 'yes', '1', '0', 'true ', ' false'),
      unicode: fc.constantFrom('ｔｒｕｅ', 'tru\u0435', 'true\u0000'),
    },
    userData: {
      empty: fc.constant(''),
      wrongType: notAString,
      tooLong: fc.integer({ min: 257, max: 2000 }).map((n) => 'u'.repeat(n)),
      badPattern: fc.constantFrom('a{b', '}', '{"x":1}', 'order{42}'),
      unicode: fc.constantFrom('中文', 'order\uFF01', 'a\u0000b', '\u001b[31m', 'del\u007f', '用户123', 'x\u3000y'),
    },
  };
}

/** Valid values of the optional fields (each may also be left out): what the platform must accept. */
export const callVerifyOptionalValid = fc.record({
  posTone: fc.constantFrom(ABSENT, null, 'welcome.wav'),
  times: fc.oneof(fc.constant(ABSENT), fc.constant(null), fc.integer({ min: 0, max: 9 })),
  statusUrl: fc.constantFrom(
    ABSENT,
    null,
    '',
    b64('http://127.0.0.1:9/s'),
    b64('https://hooks.example.com/voice/status'),
  ),
  feeUrl: fc.constantFrom(ABSENT, null, b64('http://127.0.0.1:9/fee')),
  returnIdlePort: fc.constantFrom(ABSENT, null, 'true', 'false'),
  userData: fc.oneof(
    fc.constant(ABSENT),
    fc.constant(null),
    fc.string({ unit: fc.constantFrom(...'abcXYZ019-_=+/ .,:;!?@#$%&*()[]<>|~^`\'"'), minLength: 1, maxLength: 256 }),
    fc.constantFrom('😀', 'é', 'cwgtest'),
  ),
  languageType: fc.constantFrom(1, 2),
  verifyCode: digits(2, 8),
});

/** A value carrying U+0000 anywhere: the gateway refuses such a body as unreadable JSON (fastify-setup), whatever the field. */
function carriesNul(value: unknown): boolean {
  return value !== ABSENT && (JSON.stringify(value) ?? '').includes('\\u0000');
}

/**
 * One field of the valid body spoiled, with the code the answer must carry: the table's, or
 * `unreadableBody` (the API's code for a body that is not readable JSON) when the value carries a NUL.
 */
export function mutationsOf<Field extends string, Code extends string>(
  table: Record<Field, Partial<Record<Kind, Code | 'OK'>>>,
  values: Record<Field, KindValues>,
  unreadableBody: Code,
): fc.Arbitrary<Mutation<Code>> {
  const choices: Array<fc.Arbitrary<Mutation<Code>>> = [];
  for (const field of Object.keys(table) as Field[]) {
    for (const [kind, expected] of Object.entries(table[field]) as Array<[Kind, Code | 'OK']>) {
      const value =
        kind === 'missing' ? fc.constant(ABSENT) : kind === 'null' ? fc.constant(null) : values[field][kind];
      if (!value) throw new Error(`no ${kind} values for ${field}`);
      choices.push(value.map((v) => ({ field, kind, value: v, expected: carriesNul(v) ? unreadableBody : expected })));
    }
  }
  return fc.oneof(...choices);
}

// ---- SMS (docs/contract.md#sms-verification-code, SDK error table) ----

type SmsSendField = 'mobile' | 'type' | 'captcha_token';
type SmsVerifyField = 'mobile' | 'type' | 'code';
type SmsCode = SdkErrorCode;

/**
 * SMS: an empty or missing field is PARAMETER_INVALID; a mobile that is not 11 digits is
 * MOBILE_INVALID, a type outside the six scenes TYPE_INVALID; a captcha_token that is no string
 * is a parameter error, one that is a string but no live credential of this app (unknown,
 * tampered, used, another app's, over 4096 characters) CAPTCHA_TOKEN_INVALID.
 */
const mobileCodes = {
  missing: 'PARAMETER_INVALID',
  null: 'PARAMETER_INVALID',
  empty: 'PARAMETER_INVALID',
  wrongType: 'MOBILE_INVALID',
  tooLong: 'MOBILE_INVALID',
  badPattern: 'MOBILE_INVALID',
  unicode: 'MOBILE_INVALID',
} as const;
const typeCodes = {
  missing: 'PARAMETER_INVALID',
  null: 'PARAMETER_INVALID',
  empty: 'PARAMETER_INVALID',
  wrongType: 'TYPE_INVALID',
  tooLong: 'TYPE_INVALID',
  badPattern: 'TYPE_INVALID',
  unicode: 'TYPE_INVALID',
} as const;
export const SMS_SEND_FIELD_CODES: Record<SmsSendField, Partial<Record<Kind, SmsCode | 'OK'>>> = {
  mobile: mobileCodes,
  type: typeCodes,
  captcha_token: {
    missing: 'PARAMETER_INVALID',
    null: 'PARAMETER_INVALID',
    empty: 'PARAMETER_INVALID',
    wrongType: 'PARAMETER_INVALID',
    tooLong: 'CAPTCHA_TOKEN_INVALID',
    badPattern: 'CAPTCHA_TOKEN_INVALID',
    unknown: 'CAPTCHA_TOKEN_INVALID',
    tampered: 'CAPTCHA_TOKEN_INVALID',
    used: 'CAPTCHA_TOKEN_INVALID',
    ofAnotherApp: 'CAPTCHA_TOKEN_INVALID',
  },
};
/** sms/verify: as send for mobile and type; a code that is not 1-10 digits is a parameter error. */
export const SMS_VERIFY_FIELD_CODES: Record<SmsVerifyField, Partial<Record<Kind, SmsCode | 'OK'>>> = {
  mobile: mobileCodes,
  type: typeCodes,
  code: {
    missing: 'PARAMETER_INVALID',
    null: 'PARAMETER_INVALID',
    empty: 'PARAMETER_INVALID',
    wrongType: 'PARAMETER_INVALID',
    tooLong: 'PARAMETER_INVALID',
    badPattern: 'PARAMETER_INVALID',
    unicode: 'PARAMETER_INVALID',
  },
};

const mobileValues: KindValues = {
  empty: fc.constant(''),
  wrongType: fc.oneof(fc.integer({ min: 10_000_000_000, max: 19_999_999_999 }), notAString),
  tooLong: fc.oneof(digits(12, 32), digits(33, 60)),
  badPattern: fc.oneof(
    digits(1, 10),
    fc.constantFrom('+8613800138000', '138-0013-8000', '1380013800a', ' 13800138000', '13800138000 ', '138 0013 800'),
  ),
  unicode: fc.constantFrom(
    '１３８００１３８０００',
    '1\u200D3800138000',
    '\uFEFF13800138000',
    '١٣٨٠٠١٣٨٠٠٠',
    '1380013800\u0000',
    '13800138000\u202E',
  ),
};
const typeValues: KindValues = {
  empty: fc.constant(''),
  wrongType: notAString,
  tooLong: fc.integer({ min: 65, max: 300 }).map((n) => `LOGIN_SMS${'_'.repeat(n)}`),
  badPattern: fc.constantFrom(
    'LOGIN',
    'SMS',
    'LOGIN-SMS',
    'LOGINSMS_',
    'VOICE_SMS',
    'LOGIN_SMS;DROP',
    'REGISTER_SMS,LOGIN_SMS',
  ),
  // Look-alikes that a Unicode case mapping or a loose normalisation would turn into a valid scene.
  unicode: fc.constantFrom(
    'LOGIN\u200B_SMS',
    'ＬＯＧＩＮ_ＳＭＳ',
    'LOGIN_ſMS',
    'REGıSTER_SMS',
    'log\u0130n_sms',
    'LOGIN_SMS\u0000',
    'ⅬOGIN_SMS',
  ),
};

export function smsSendValues(credentials: {
  unknown: () => string;
  tampered: string;
  used: string;
  ofAnotherApp: string;
}): Record<SmsSendField, KindValues> {
  return {
    mobile: mobileValues,
    type: typeValues,
    captcha_token: {
      empty: fc.constantFrom('', ' ', '\t\n'),
      wrongType: notAString,
      tooLong: fc.integer({ min: 4097, max: 10_000 }).map((n) => 'c'.repeat(n)),
      badPattern: fc.constantFrom('x', '---', 'not a credential', '{"x":1,"y":2}'),
      unknown: fc.constant(null).map(credentials.unknown),
      tampered: fc.constant(credentials.tampered),
      used: fc.constant(credentials.used),
      ofAnotherApp: fc.constant(credentials.ofAnotherApp),
    },
  };
}

export const smsVerifyValues: Record<SmsVerifyField, KindValues> = {
  mobile: mobileValues,
  type: typeValues,
  code: {
    empty: fc.constant(''),
    wrongType: fc.oneof(fc.integer({ min: 0, max: 999_999 }), notAString),
    tooLong: digits(11, 40),
    badPattern: fc.constantFrom('12345a', ' 123456', '123 456', '-123456', '1.5'),
    unicode: fc.constantFrom('１２３４５６', '١٢٣٤٥٦', '123\u200B456', '123456\u0000'),
  },
};

// ---- captcha check / verify (docs/contract.md#image-captcha) ----

type CaptchaCheckField = 'captchaType' | 'token' | 'pointJson' | 'trajectory';

/**
 * captcha/check: captchaType outside the two types is CAPTCHA_TYPE_INVALID (left out or null: the
 * default blockPuzzle), the other type for this token TOKEN_INVALID; a token that is no non-empty
 * string is a parameter error, one that is not 32 lowercase hex digits or not a live token of the
 * app TOKEN_INVALID; a pointJson that is no non-empty string of at most 4096 characters is a
 * parameter error, a wrong or undecodable answer CAPTCHA_WRONG (the token is burnt); trajectory
 * must be an array of at most 500 points.
 */
export const CAPTCHA_CHECK_FIELD_CODES: Record<CaptchaCheckField, Partial<Record<Kind, SdkErrorCode | 'OK'>>> = {
  captchaType: {
    missing: 'OK',
    null: 'OK',
    empty: 'CAPTCHA_TYPE_INVALID',
    wrongType: 'CAPTCHA_TYPE_INVALID',
    badPattern: 'CAPTCHA_TYPE_INVALID',
    unicode: 'CAPTCHA_TYPE_INVALID',
    otherType: 'TOKEN_INVALID',
  },
  token: {
    missing: 'PARAMETER_INVALID',
    null: 'PARAMETER_INVALID',
    empty: 'PARAMETER_INVALID',
    wrongType: 'PARAMETER_INVALID',
    tooLong: 'TOKEN_INVALID',
    badPattern: 'TOKEN_INVALID',
    unicode: 'TOKEN_INVALID',
    unknown: 'TOKEN_INVALID',
  },
  pointJson: {
    missing: 'PARAMETER_INVALID',
    null: 'PARAMETER_INVALID',
    empty: 'PARAMETER_INVALID',
    wrongType: 'PARAMETER_INVALID',
    tooLong: 'PARAMETER_INVALID',
    badPattern: 'CAPTCHA_WRONG',
    wrongAnswer: 'CAPTCHA_WRONG',
  },
  trajectory: { null: 'PARAMETER_INVALID', wrongType: 'PARAMETER_INVALID', tooLong: 'PARAMETER_INVALID' },
};

export function captchaCheckValues(
  answer: { x: number; y: number },
  token: string,
): Record<CaptchaCheckField, KindValues> {
  const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 });
  return {
    captchaType: {
      empty: fc.constant(''),
      wrongType: notAString,
      badPattern: fc.constantFrom(
        'blockpuzzle',
        'BLOCKPUZZLE',
        'block_puzzle',
        'blockPuzzle ',
        'rotatePuzzle',
        'slider',
      ),
      unicode: fc.constantFrom('blockPuzzl\u0435', 'block\u200BPuzzle', 'ｂｌｏｃｋPuzzle', 'blockPuzzle\u0000'),
      otherType: fc.constant('clickWord'),
    },
    token: {
      empty: fc.constant(''),
      wrongType: notAString,
      tooLong: fc.constant(`${token}0`),
      badPattern: fc.constantFrom(
        token.toUpperCase(),
        token.slice(1),
        `${token.slice(0, 31)}g`,
        `${token} `,
        `'${token.slice(1)}`,
      ),
      unicode: fc.constantFrom(
        `${token.slice(0, 31)}\u0430`,
        `${token.slice(0, 16)}\u200B${token.slice(16, 31)}`,
        `${token.slice(0, 31)}\u0000`,
      ),
      unknown: hex.filter((t) => t !== token),
    },
    pointJson: {
      empty: fc.constant(''),
      wrongType: notAString,
      tooLong: fc.integer({ min: 4097, max: 8000 }).map((n) => `{"x":1,"y":2${' '.repeat(n)}}`),
      badPattern: fc.constantFrom('x', '{"x":', 'bm90IGFlcw==', '[]', '{"y":1}', 'null'),
      // Far beyond any tolerance (at most 20 px), left or right of the gap.
      wrongAnswer: fc
        .integer({ min: 40, max: 200 })
        .chain((dx) => fc.constantFrom(answer.x + dx, answer.x - dx))
        .map((x) => JSON.stringify({ x, y: answer.y })),
    },
    trajectory: {
      wrongType: fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.boolean(), jsonObject),
      tooLong: fc
        .integer({ min: 501, max: 700 })
        .map((n) => Array.from({ length: n }, (_, i) => ({ x: i, y: 0, t: i }))),
    },
  };
}

type CaptchaVerifyField = 'captchaVerification';
/** captcha/verify: no non-empty string of at most 4096 characters is a parameter error; anything not a live credential of the app VERIFICATION_INVALID. */
export const CAPTCHA_VERIFY_FIELD_CODES: Record<CaptchaVerifyField, Partial<Record<Kind, SdkErrorCode | 'OK'>>> = {
  captchaVerification: {
    missing: 'PARAMETER_INVALID',
    null: 'PARAMETER_INVALID',
    empty: 'PARAMETER_INVALID',
    wrongType: 'PARAMETER_INVALID',
    tooLong: 'PARAMETER_INVALID',
    badPattern: 'VERIFICATION_INVALID',
    tampered: 'VERIFICATION_INVALID',
    unknown: 'VERIFICATION_INVALID',
    unicode: 'VERIFICATION_INVALID',
  },
};

export function captchaVerifyValues(credential: string): Record<CaptchaVerifyField, KindValues> {
  const [token, point] = credential.split('---') as [string, string];
  return {
    captchaVerification: {
      empty: fc.constant(''),
      wrongType: notAString,
      tooLong: fc.integer({ min: 4097, max: 8000 }).map((n) => `${credential}${' '.repeat(n)}`),
      badPattern: fc.constantFrom(token, `${token}---`, point, `${credential}---`, ` ${credential}`),
      tampered: fc.constantFrom(
        `${token}---{"x":-1,"y":-1}`,
        `${token.slice(0, 31)}${token.endsWith('0') ? '1' : '0'}---${point}`,
        credential.replace(/\d/, (d) => String((Number(d) + 1) % 10)),
      ),
      unknown: fc
        .string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 })
        .map((t) => `${t}---${point}`),
      unicode: fc.constantFrom(`${credential}\u0000`, `${credential}\u200B`, credential.replace('---', '\u2014-')),
    },
  };
}
