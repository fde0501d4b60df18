import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { rtpPacket } from '#libs/media';
import { evenPortCount } from '#libs/runtime';
import { PAYLOAD_TYPES, type G711Codec } from './g711.js';

/** 20 ms of 8 kHz G.711: 160 samples, one byte each. */
export const PACKET_MS = 20;
export const SAMPLES_PER_PACKET = 160;

export { parseRtpHeader, rtpPacket, type RtpHeaderFields } from '#libs/media';

export class RtpPortsExhausted extends Error {}

const portsInUse = new Set<number>();

export interface PlayResult {
  packets: number;
  /** True when the signal stopped the stream before its end. */
  interrupted: boolean;
  /** Why the stream stopped early when a packet could not be sent (the socket refused it). */
  error?: string;
}

/**
 * One call's RTP endpoint: an even UDP port from the configured range (RTCP would be the odd one,
 * which is not used), a random SSRC, sequence number and timestamp origin.
 */
export class RtpSession {
  private remote?: { address: string; port: number; codec: G711Codec };
  /** On hold (c=0.0.0.0): the schedule runs on, nothing is sent until the next connect(). */
  private held = false;
  private readonly ssrc = randomInt(1, 0xffffffff);
  private sequence = randomInt(0, 0x10000);
  private timestamp = randomInt(0, 0xffffffff);
  private first = true;
  private closed = false;
  /** Packets the far end sent us (not played anywhere; counted for the logs). */
  received = 0;

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {
    socket.on('message', () => {
      this.received++;
    });
    socket.on('error', () => undefined);
  }

  /** Binds a free even port of [min, max] on `address`. */
  static async open(range: { min: number; max: number }, address: string): Promise<RtpSession> {
    const first = range.min + (range.min % 2);
    const count = evenPortCount(range.min, range.max);
    if (count === 0) throw new RtpPortsExhausted(`no even port in ${range.min}-${range.max}`);
    const start = randomInt(0, count);
    for (let i = 0; i < count; i++) {
      const port = first + ((start + i) % count) * 2;
      if (portsInUse.has(port)) continue;
      portsInUse.add(port);
      const socket = createSocket({ type: 'udp4' });
      const bound = await new Promise<boolean>((resolve) => {
        socket.once('error', () => resolve(false));
        socket.bind(port, address, () => resolve(true));
      });
      if (bound) return new RtpSession(socket, port);
      portsInUse.delete(port);
      socket.close();
    }
    throw new RtpPortsExhausted(`all RTP ports of ${range.min}-${range.max} are in use`);
  }

  /** Where to send, and in which law (from the callee's SDP answer). */
  connect(address: string, port: number, codec: G711Codec): void {
    this.remote = { address, port, codec };
    this.held = false;
  }

  /** The far end put the call on hold: stop sending (sequence and timestamps still advance). */
  hold(): void {
    this.held = true;
  }

  get codec(): G711Codec | undefined {
    return this.remote?.codec;
  }

  /**
   * Sends `audio` (G.711 bytes, a multiple of 160) `plays` times, or until `maxMs`, one packet every
   * 20 ms. Packet k leaves at start + k × 20 ms (a schedule from one start time, so timer lateness
   * never accumulates); packets that are due after a stall go out at once.
   */
  play(audio: Uint8Array, plays: number, maxMs: number, signal: AbortSignal): Promise<PlayResult> {
    const remote = this.remote;
    if (!remote) throw new Error('RTP session has no remote endpoint');
    const perPlay = Math.ceil(audio.length / SAMPLES_PER_PACKET);
    const total = Math.min(perPlay * plays, Math.floor(maxMs / PACKET_MS));
    const payloadType = PAYLOAD_TYPES[remote.codec];
    // The destination is read per packet: a re-INVITE may move the callee's media mid-stream.
    let sent = 0;
    return new Promise<PlayResult>((resolve) => {
      if (total <= 0 || perPlay === 0) return resolve({ packets: 0, interrupted: false });
      let timer: NodeJS.Timeout | undefined;
      const finish = (interrupted: boolean, error?: string) => {
        if (timer) clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve({ packets: sent, interrupted, ...(error ? { error } : {}) });
      };
      const onAbort = () => finish(true);
      if (signal.aborted) return finish(true);
      signal.addEventListener('abort', onAbort, { once: true });
      const start = performance.now();
      const tick = () => {
        if (this.closed) return finish(true);
        const due = Math.min(total, Math.floor((performance.now() - start) / PACKET_MS) + 1);
        while (sent < due) {
          const offset = (sent % perPlay) * SAMPLES_PER_PACKET;
          const payload = audio.subarray(offset, offset + SAMPLES_PER_PACKET);
          const packet = rtpPacket(
            { payloadType, marker: this.first, sequence: this.sequence, timestamp: this.timestamp, ssrc: this.ssrc },
            payload,
          );
          const to = this.remote ?? remote;
          if (!this.held) {
            try {
              this.socket.send(packet, to.port, to.address);
            } catch (error) {
              // A synchronous refusal (a bad port or address) must end this stream, not the worker.
              return finish(true, `RTP send to ${to.address}:${to.port} failed: ${(error as Error).message}`);
            }
          }
          this.first = false;
          this.sequence = (this.sequence + 1) & 0xffff;
          this.timestamp = (this.timestamp + SAMPLES_PER_PACKET) >>> 0;
          sent++;
        }
        if (sent >= total) return finish(false);
        timer = setTimeout(tick, Math.max(0, start + sent * PACKET_MS - performance.now()));
      };
      tick();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    portsInUse.delete(this.port);
    try {
      this.socket.close();
    } catch {
      /* already closed */
    }
  }
}
