import { encodeG711, SILENCE_BYTE, type G711Codec } from '../../media/g711.js';
import { SAMPLES_PER_PACKET } from '../../media/rtp.js';

/** The prompt as G.711 bytes, padded with silence to whole RTP packets. */
export function encodePrompt(play: Int16Array, codec: G711Codec): Uint8Array {
  const bytes = encodeG711(play, codec);
  const rest = bytes.length % SAMPLES_PER_PACKET;
  if (rest === 0) return bytes;
  const padded = new Uint8Array(bytes.length + SAMPLES_PER_PACKET - rest).fill(SILENCE_BYTE[codec]);
  padded.set(bytes);
  return padded;
}
