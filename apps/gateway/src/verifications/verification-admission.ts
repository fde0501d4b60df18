import { ResultCodes, type ResultCodeRow } from '#libs/contracts';
import type { PlatformConfig } from '#libs/runtime';
import type { DirectoryApp } from '../directory/app-directory.service.js';
import { ipAllowed } from '../voice/call-admission.js';

/**
 * Who may use the verification API at all, checked after authentication and before the body is
 * read, in callVerify's order: the app's and its enterprise's status, the test-app rule on a
 * commercial address, the `verify` permission (1010040), the app's IP whitelist. Null: admitted.
 */
export function verificationRefusal(
  app: DirectoryApp,
  clientIp: string,
  addressKind: PlatformConfig['controls']['addressKind'],
): ResultCodeRow | null {
  if (app.status === 'suspended') return ResultCodes.APP_KEY_SUSPENDED;
  if (app.status === 'unavailable') return ResultCodes.APP_UNAVAILABLE;
  if (app.enterpriseStatus === 'suspended') return ResultCodes.SUB_ENTERPRISE_SUSPENDED;
  if (app.stage === 'test' && addressKind === 'commercial') return ResultCodes.COMMERCIAL_ADDRESS_FORBIDDEN;
  if (!app.permissions.includes('verify')) return ResultCodes.API_NOT_PERMITTED;
  if (!ipAllowed(app.ipWhitelistList, clientIp)) return ResultCodes.IP_NOT_WHITELISTED;
  return null;
}
