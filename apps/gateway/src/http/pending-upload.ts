import type { Readable } from 'node:stream';

/**
 * A request body left unread by the body parsers (tone uploads): the handler reads it, after the
 * guards have authenticated the caller, so an anonymous client cannot make the gateway buffer a
 * large body. The stream is private: an audit or log of the request never walks into it.
 */
export class PendingUpload {
  readonly #stream: Readable;
  readonly #declaredLength: number | null;

  constructor(stream: Readable, declaredLength: number | null) {
    this.#stream = stream;
    this.#declaredLength = declaredLength;
  }

  /**
   * The whole body, or null as soon as it is known to exceed `limit` bytes (from Content-Length,
   * before reading anything, or while reading: what is left is then discarded unbuffered by Node).
   */
  read(limit: number): Promise<Buffer | null> {
    if (this.#declaredLength !== null && this.#declaredLength > limit) return Promise.resolve(null);
    const stream = this.#stream;
    return new Promise<Buffer | null>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (result: Buffer | null, error?: Error) => {
        stream.removeListener('data', onData).removeListener('end', onEnd).removeListener('error', onError);
        if (error) reject(error);
        else resolve(result);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) finish(null);
        else chunks.push(chunk);
      };
      const onEnd = () => finish(Buffer.concat(chunks, size));
      const onError = (error: Error) => finish(null, error);
      stream.on('data', onData).once('end', onEnd).once('error', onError);
    });
  }
}
