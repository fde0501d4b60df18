import { ResultCodes, resultBody, type AdminErrorCode, type ResultCodeRow } from '#libs/contracts';

/** A deliberate `/rest/` answer: a row of the result-code table plus an optional precise detail. */
export class RestError extends Error {
  constructor(
    readonly row: ResultCodeRow,
    readonly detail?: string,
  ) {
    super(detail ? `${row.code} ${detail}` : row.code);
  }

  get httpStatus(): number {
    return this.row.httpStatus;
  }

  get body() {
    return resultBody(this.row, this.detail);
  }

  static parameter(detail: string): RestError {
    return new RestError(ResultCodes.PARAMETER_ERROR, detail);
  }
}

/** A management-API error: `{error_code, error_msg}` with an HTTP status (codes: libs/contracts admin-errors.ts). */
export class AdminError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: AdminErrorCode,
    message: string,
  ) {
    super(message);
  }
}
