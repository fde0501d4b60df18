export interface RtpHeaderFields {
  payloadType: number;
  marker: boolean;
  sequence: number;
  timestamp: number;
  ssrc: number;
}

/** RFC 3550 §5.1 fixed header (V=2, no padding, no extension, no CSRC) followed by the payload. */
export function rtpPacket(fields: RtpHeaderFields, payload: Uint8Array): Buffer {
  const packet = Buffer.allocUnsafe(12 + payload.length);
  packet[0] = 0x80;
  packet[1] = (fields.marker ? 0x80 : 0) | (fields.payloadType & 0x7f);
  packet.writeUInt16BE(fields.sequence & 0xffff, 2);
  packet.writeUInt32BE(fields.timestamp >>> 0, 4);
  packet.writeUInt32BE(fields.ssrc >>> 0, 8);
  packet.set(payload, 12);
  return packet;
}

export function parseRtpHeader(packet: Uint8Array): RtpHeaderFields & { version: number; payloadLength: number } {
  const b = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
  return {
    version: b[0]! >> 6,
    marker: (b[1]! & 0x80) !== 0,
    payloadType: b[1]! & 0x7f,
    sequence: b.readUInt16BE(2),
    timestamp: b.readUInt32BE(4),
    ssrc: b.readUInt32BE(8),
    payloadLength: b.length - 12 - (b[0]! & 0x0f) * 4,
  };
}
