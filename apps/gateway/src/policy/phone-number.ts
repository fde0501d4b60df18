/** A phone number as the seed's table 4 (docs/contract.md#callverify-request-body) writes them (String(4-31)): an optional `+` and digits. */
export const PHONE_NUMBER = /^\+?[0-9]{4,31}$/;
export const PHONE_NUMBER_RULE = '4-31 digits with an optional leading +';
