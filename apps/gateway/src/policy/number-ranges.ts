/** Prefix rules on numbers, shared by the call and SMS policies. */

/** `86138…` and `+86138…` are the same number for prefix rules. */
function withPlus(number: string): string {
  return number.startsWith('+') ? number : '+' + number;
}

/** Whether `number` starts with any of `prefixes`, `+` or not. */
export function startsWithAny(number: string, prefixes: readonly string[]): boolean {
  const n = withPlus(number);
  return prefixes.some((p) => n.startsWith(withPlus(p)));
}

/** 1013100: the platform never calls these ranges (premium-rate, fraud-prone…). */
export function calleeBlocked(calleeNbr: string, blockedPrefixes: readonly string[]): boolean {
  return blockedPrefixes.length > 0 && startsWithAny(calleeNbr, blockedPrefixes);
}
