/**
 * What the body parsers yield for a body that cannot be read as JSON, so handlers answer with
 * their own codes: `syntax` for malformed JSON, `media-type` for a Content-Type other than JSON.
 */
export class InvalidJsonBody {
  constructor(
    readonly reason: string,
    readonly kind: 'syntax' | 'media-type' = 'syntax',
  ) {}
}
