import { Inject, Injectable } from '@nestjs/common';
import type { BlockList } from 'node:net';
import { SecretBox } from '#libs/auth';
import { APP_LOGGER, JsonLogger } from '#libs/runtime';
import { addressList } from '../http/client-address.js';
import { AppNumbersRepository } from './app-numbers.repository.js';
import { AppsRepository } from '#libs/persistence';
import { NumberListsRepository } from './number-lists.repository.js';
import type {
  AppLimits,
  AppStage,
  AppStatus,
  InternationalRules,
  NumberStatus,
  Permission,
  RestHours,
} from '#libs/persistence';

/** An app as the request path needs it: identity, secret, status, numbers and approved tones. */
export interface DirectoryApp {
  id: string;
  appKey: string;
  /** null when the sealed secret cannot be opened (wrong master key, damaged row): 1023001. */
  appSecret: string | null;
  status: AppStatus;
  stage: AppStage;
  /** The app's sub-enterprise's status; null when the app belongs to none. */
  enterpriseStatus: 'normal' | 'suspended' | null;
  limits: AppLimits;
  voicePorts: number | null;
  international: InternationalRules | null;
  permissions: Permission[];
  ipWhitelist: string[];
  /** `ipWhitelist` ready to match (built once per load); null when empty (any address). */
  ipWhitelistList: BlockList | null;
  restHours: RestHours | null;
  numbers: Map<string, NumberStatus>;
  approvedTones: Set<string>;
  /** The app's own list entries (platform-wide ones: `platformLists`). */
  blacklist: Set<string>;
  whitelist: Set<string>;
  /** Captcha proof of work required, and the operator's "under attack" switch. */
  captchaPow: boolean;
  captchaUnderAttack: boolean;
}

export interface PlatformLists {
  blacklist: Set<string>;
  whitelist: Set<string>;
}

/** How long a looked-up app is reused; management changes take effect within this time. */
export const DIRECTORY_TTL_MS = 1000;

/**
 * Read-through cache of apps (with their numbers, approved tones and list entries) and of the
 * platform-wide lists for the hot request path: one query per app per second instead of several
 * per request. Management writes call `invalidate` so this instance sees them at once;
 * other gateway instances within `DIRECTORY_TTL_MS`.
 */
@Injectable()
export class AppDirectory {
  private readonly cache = new Map<string, { at: number; app: Promise<DirectoryApp | null> }>();
  private platform?: { at: number; lists: Promise<PlatformLists> };

  constructor(
    private readonly apps: AppsRepository,
    private readonly numbers: AppNumbersRepository,
    private readonly lists: NumberListsRepository,
    private readonly secretBox: SecretBox,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
  ) {}

  find(appKey: string): Promise<DirectoryApp | null> {
    const now = Date.now();
    const hit = this.cache.get(appKey);
    if (hit && now - hit.at < DIRECTORY_TTL_MS) return hit.app;
    const app = this.load(appKey);
    this.cache.set(appKey, { at: now, app });
    app.catch(() => {
      if (this.cache.get(appKey)?.app === app) this.cache.delete(appKey);
    });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    return app;
  }

  invalidate(appKey: string): void {
    this.cache.delete(appKey);
  }

  invalidateAll(): void {
    this.cache.clear();
  }

  private async load(appKey: string): Promise<DirectoryApp | null> {
    const row = await this.apps.directoryRow(appKey);
    if (!row) return null;
    const lists = row.lists as Array<[string, string]>;
    return {
      id: row.id as string,
      appKey: row.app_key as string,
      appSecret: this.openSecret(row.app_key as string, row.secret_sealed as string),
      status: row.status as AppStatus,
      stage: row.stage as AppStage,
      enterpriseStatus: (row.enterprise_status as 'normal' | 'suspended' | null) ?? null,
      limits: row.limits as AppLimits,
      voicePorts: (row.voice_ports as number | null) ?? null,
      international: (row.international as InternationalRules | null) ?? null,
      permissions: row.permissions as Permission[],
      ipWhitelist: row.ip_whitelist as string[],
      ipWhitelistList: (row.ip_whitelist as string[]).length ? addressList(row.ip_whitelist as string[]) : null,
      restHours: (row.rest_hours as RestHours | null) ?? null,
      numbers: new Map(row.numbers as Array<[string, NumberStatus]>),
      approvedTones: new Set(row.tones as string[]),
      blacklist: new Set(lists.filter(([l]) => l === 'blacklist').map(([, n]) => n)),
      whitelist: new Set(lists.filter(([l]) => l === 'whitelist').map(([, n]) => n)),
      captchaPow: row.captcha_pow === true,
      captchaUnderAttack: row.captcha_under_attack === true,
    };
  }

  private openSecret(appKey: string, sealed: string): string | null {
    try {
      return this.secretBox.open(sealed);
    } catch (error) {
      this.logger.error('app secret cannot be opened (is VERIGATE_MASTER_KEY the one it was sealed with?)', {
        appKey,
        error: (error as Error).message,
      });
      return null;
    }
  }

  /** Whether a number is registered to any app (asked only on the refusal path). */
  async numberRegistered(number: string): Promise<boolean> {
    return this.numbers.registered(number);
  }

  /** Platform-wide black and white lists (cached like apps). */
  platformLists(): Promise<PlatformLists> {
    const now = Date.now();
    if (this.platform && now - this.platform.at < DIRECTORY_TTL_MS) return this.platform.lists;
    const lists = this.lists.platformEntries().then((rows) => ({
      blacklist: new Set(rows.filter((r) => r.list === 'blacklist').map((r) => r.number)),
      whitelist: new Set(rows.filter((r) => r.list === 'whitelist').map((r) => r.number)),
    }));
    this.platform = { at: now, lists };
    lists.catch(() => {
      if (this.platform?.lists === lists) this.platform = undefined;
    });
    return lists;
  }

  invalidatePlatformLists(): void {
    this.platform = undefined;
  }
}
