/** A phone number as the seed's 表4 writes them (String(4-31)): an optional `+` and digits. */
export const PHONE_NUMBER = /^\+?[0-9]{4,31}$/;
export const PHONE_NUMBER_RULE = '4-31 digits with an optional leading +';
