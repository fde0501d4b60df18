import * as z from 'zod';
import { withCodes } from '#libs/runtime';

/** A tone's file name: letters, digits, _ . -, ending in .wav (any case). */
const TONE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,123}\.[Ww][Aa][Vv]$/;
const rule = 'name must be a file name ending in .wav (letters, digits, _ . -)';

/** `POST /admin/v1/apps/{appKey}/tones?name=x.wav` (the body is the WAV file). */
export const toneUploadQuery = z.object({
  name: withCodes(z.string(rule).regex(TONE_NAME, rule), { 'x-error-code': 'INVALID_FIELD' }),
});
