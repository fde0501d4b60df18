import { ERROR_CODE_FIELD, openApiDocument, type Operation } from '../../../apps/gateway/src/docs/openapi.js';

/**
 * The OpenAPI document as the oracle of what an endpoint may answer: its documented statuses and,
 * per error status, its documented codes. The property suites check every answer against it, so
 * the document and the behaviour are checked against each other.
 */
export const document = openApiDocument();

/** With FC_STATS set: how often each (endpoint, status, code) was answered, to see what the generators reach. */
export const answersSeen = new Map<string, number>();
/** Called after a suite: writes the answers seen to stderr (FC_STATS only). */
export function reportAnswersSeen(): void {
  if (process.env.FC_STATS) process.stderr.write([...answersSeen].sort().map(([key, n]) => `${n}  ${key}\n`).join(''));
}

/** Codes the document lists because they can happen, but that a bad request must never cause. */
const FAULT_CODES = new Set(['CAPTCHA.INTERNAL_ERROR', 'SMS.INTERNAL_ERROR', 'CAPTCHA.SERVICE_UNAVAILABLE', 'SMS.SERVICE_UNAVAILABLE', 'INTERNAL_ERROR', '1010001', '1020002', '1023001', '1023002']);

export function operation(method: string, path: string): Operation {
  const op = document.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${path} is not in the OpenAPI document`);
  return op;
}

function codeField(path: string): string {
  return path.startsWith('/rest/') ? ERROR_CODE_FIELD.rest : path.startsWith('/api/v2/sdk/') ? ERROR_CODE_FIELD.sdk : ERROR_CODE_FIELD.admin;
}

/** The documented codes of `status` for an operation (empty for success statuses). */
export function documentedCodes(method: string, path: string, status: number): string[] {
  const response = operation(method, path).responses[String(status)] as { content?: Record<string, { schema?: { properties?: Record<string, { enum?: string[] }> } }> } | undefined;
  return response?.content?.['application/json']?.schema?.properties?.[codeField(path)]?.enum ?? [];
}

/**
 * Why an answer breaks the document, or null when it conforms: the status must be documented for
 * the operation, an error body must have the documented shape and one of that status's codes,
 * and no answer may be a fault (an internal error, or the dependency-down 503).
 */
export function violation(method: string, path: string, status: number, bodyText: string): string | null {
  const op = operation(method, path);
  if (process.env.FC_STATS) {
    const key = `${method} ${path} ${status} ${/"(?:error_code|resultcode)":"([^"]*)"/.exec(bodyText)?.[1] ?? ''}`;
    answersSeen.set(key, (answersSeen.get(key) ?? 0) + 1);
  }
  const at = `${method} ${path} answered ${status} ${bodyText.slice(0, 300)}`;
  if (!(String(status) in op.responses)) return `${at}: status not in the document (${Object.keys(op.responses).join(', ')})`;
  const field = codeField(path);
  const codes = documentedCodes(method, path, status);
  if (status >= 200 && status < 300 && field !== 'resultcode') return null;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(bodyText) as Record<string, unknown>;
  } catch {
    return `${at}: not JSON`;
  }
  if (field === 'resultcode' && status === 200) return body.resultcode === '0' ? null : `${at}: 200 without resultcode 0`;
  const code = body[field];
  const message = body[field === 'resultcode' ? 'resultdesc' : 'error_msg'];
  if (typeof code !== 'string' || typeof message !== 'string') return `${at}: not the documented error shape {${field}, …}`;
  if (!codes.includes(code)) return `${at}: code ${code} not documented for ${status} (${codes.join(', ')})`;
  if (FAULT_CODES.has(code)) return `${at}: a fault (${code}) caused by a request`;
  return null;
}
