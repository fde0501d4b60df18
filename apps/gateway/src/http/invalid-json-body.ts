/** What the JSON body parser yields for a body that is not valid JSON (so handlers can answer with their own codes). */
export class InvalidJsonBody {
  constructor(readonly reason: string) {}
}
