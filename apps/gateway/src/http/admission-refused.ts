/**
 * SQLSTATE of a refusal raised by the database's admission functions (callVerify's caps and
 * ports, the SMS send's credential, cool-down and caps): the message names the answer (a
 * ResultCodes name for the voice API, an SDK error code for the SMS API).
 */
export const ADMISSION_REFUSED_SQLSTATE = 'VG001';
