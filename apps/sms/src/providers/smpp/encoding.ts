/**
 * SMS text → SMPP short_message bytes. Pure. GSM 03.38 default alphabet (data_coding 0, one
 * unpacked septet per octet as SMPP expects) when every character fits, else UCS2 (data_coding 8).
 * Long texts become concatenated parts with an 8-bit-reference UDH; we build the bytes ourselves so
 * the wire carries exactly what was counted here (the smpp package passes a Buffer through as is).
 */

export const DATA_CODING_GSM = 0x00;
export const DATA_CODING_UCS2 = 0x08;
/** esm_class bit: short_message starts with a User Data Header. */
export const ESM_CLASS_UDHI = 0x40;

/** GSM 03.38 default alphabet by septet value; 0x1B is the escape to the extension table. */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_ESCAPE = 0x1b;
/** Extension table: character → septet sent after the escape (each costs two septets). */
const GSM_EXTENSION: ReadonlyMap<string, number> = new Map([
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
]);
const GSM_SEPTET: ReadonlyMap<string, number> = new Map(
  [...GSM_BASIC].flatMap((c, i) => (i === GSM_ESCAPE ? [] : [[c, i] as [string, number]])),
);

const GSM_SINGLE = 160;
const GSM_PART = 153;
const UCS2_SINGLE = 70;
const UCS2_PART = 67;
/** An 8-bit reference and a one-octet part count. */
const MAX_PARTS = 255;

export interface EncodedSegment {
  /** The exact short_message octets: UDH (if any) then the encoded text. */
  shortMessage: Buffer;
  esmClass: number;
}

export interface EncodedMessage {
  dataCoding: typeof DATA_CODING_GSM | typeof DATA_CODING_UCS2;
  segments: EncodedSegment[];
}

/** The septets of one character, or null when the GSM alphabet lacks it. */
function gsmSeptets(char: string): number[] | null {
  const basic = GSM_SEPTET.get(char);
  if (basic !== undefined) return [basic];
  const ext = GSM_EXTENSION.get(char);
  return ext === undefined ? null : [GSM_ESCAPE, ext];
}

/** True when the whole text is representable in the GSM 7-bit alphabet (extension table included). */
export function isGsm7(text: string): boolean {
  for (const char of text) if (gsmSeptets(char) === null) return false;
  return true;
}

/**
 * Encodes `text` into one or more segments. `reference` (0..255) goes into every part's
 * concatenation header; the caller varies it per message so handsets do not mix up two messages.
 * Throws RangeError for an empty text or one that needs more than 255 parts.
 */
export function encodeSms(text: string, reference: number): EncodedMessage {
  if (text.length === 0) throw new RangeError('empty SMS text');
  const gsm = isGsm7(text);
  // Units that must stay together: a GSM escape sequence, or a UCS2 surrogate pair (one code point).
  const units: Buffer[] = [...text].map((char) => (gsm ? Buffer.from(gsmSeptets(char)!) : ucs2(char)));
  const unitSize = gsm ? 1 : 2;
  const total = units.reduce((n, u) => n + u.length / unitSize, 0);
  const single = gsm ? GSM_SINGLE : UCS2_SINGLE;
  const dataCoding = gsm ? DATA_CODING_GSM : DATA_CODING_UCS2;
  if (total <= single) return { dataCoding, segments: [{ shortMessage: Buffer.concat(units), esmClass: 0 }] };

  const perPart = gsm ? GSM_PART : UCS2_PART;
  const parts: Buffer[][] = [[]];
  let used = 0;
  for (const unit of units) {
    const size = unit.length / unitSize;
    if (used + size > perPart) {
      parts.push([]);
      used = 0;
    }
    parts[parts.length - 1]!.push(unit);
    used += size;
  }
  if (parts.length > MAX_PARTS) throw new RangeError(`SMS text needs ${parts.length} parts (at most ${MAX_PARTS})`);
  const ref = reference & 0xff;
  return {
    dataCoding,
    segments: parts.map((part, i) => ({
      shortMessage: Buffer.concat([Buffer.from([0x05, 0x00, 0x03, ref, parts.length, i + 1]), ...part]),
      esmClass: ESM_CLASS_UDHI,
    })),
  };
}

function ucs2(char: string): Buffer {
  // UTF-16BE; a code point above U+FFFF yields its surrogate pair (4 octets) in one unit.
  const le = Buffer.from(char, 'utf16le');
  return le.swap16();
}
