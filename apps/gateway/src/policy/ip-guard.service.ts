import { Inject, Injectable } from '@nestjs/common';
import type { BlockList } from 'node:net';
import { ResultCodes } from '#libs/contracts';
import { APP_LOGGER, JsonLogger, PLATFORM_CONFIG, type PlatformConfig } from '#libs/runtime';
import { RestError } from '../http/rest-error.js';
import { addressBucket, addressList, listContains, normaliseIp } from '../http/client-address.js';
import { IpBansRepository } from './ip-bans.repository.js';
import { IpRulesRepository } from './ip-rules.repository.js';

/** How long the rules and bans are reused; a ban takes effect on other gateways within this time. */
const REFRESH_MS = 1000;

interface IpRules {
  /** Banned address buckets: IPv4 addresses (/32) and IPv6 /64s. */
  banned: BlockList;
  blacklist: BlockList;
  /** One list per restricted area (its name is in the refusal's description). */
  areas: Array<{ area: string; list: BlockList }>;
}

/**
 * Who may call `/rest/` at all, by client address, before any authentication work: an address
 * banned after repeated authentication failures (1020176), a blacklisted address (1020168) or one
 * in a restricted area (1020171). Rules and bans come from PostgreSQL, cached for a second.
 * Failures and bans count per address bucket (`addressBucket`: IPv4 address, IPv6 /64), so a
 * client rotating addresses inside its /64 is one client; blacklists match the full address.
 */
@Injectable()
export class IpGuard {
  private cached?: { at: number; rules: Promise<IpRules> };

  constructor(
    private readonly ipRules: IpRulesRepository,
    private readonly ipBans: IpBansRepository,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(APP_LOGGER) private readonly logger: JsonLogger,
  ) {}

  async check(clientIp: string): Promise<void> {
    const rules = await this.rules();
    const ip = normaliseIp(clientIp);
    if (bucketBanned(rules.banned, ip)) throw new RestError(ResultCodes.AUTH_FAILURE_IP_BANNED);
    if (listContains(rules.blacklist, ip)) throw new RestError(ResultCodes.IP_BLACKLISTED);
    const area = rules.areas.find((a) => listContains(a.list, ip));
    if (area) throw new RestError(ResultCodes.IP_AREA_BLACKLISTED, `area ${area.area}`);
  }

  /**
   * Counts an authentication failure (unknown app_key, invalid digest); at the threshold the
   * address's bucket (IPv6: its /64) is banned for VERIGATE_AUTH_BAN_S. The failure's own answer
   * is unchanged.
   */
  async recordAuthFailure(clientIp: string): Promise<void> {
    const { authFailuresBeforeBan, authFailureWindowSeconds, authBanSeconds } = this.config.controls;
    // An inet: `198.51.100.7` (a /32) or `2001:db8:1:2::/64`.
    const ip = addressBucket(clientIp);
    try {
      if (await this.ipBans.recordAuthFailure(ip, authFailuresBeforeBan, authFailureWindowSeconds, authBanSeconds)) {
        this.cached = undefined;
        this.logger.warn('client address banned after repeated authentication failures', {
          clientIp: ip,
          banSeconds: authBanSeconds,
        });
      }
    } catch (error) {
      this.logger.warn('could not record an authentication failure', { error: (error as Error).message });
    }
  }

  /** After a management change: this gateway sees it at once, the others within REFRESH_MS. */
  invalidate(): void {
    this.cached = undefined;
  }

  private rules(): Promise<IpRules> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < REFRESH_MS) return this.cached.rules;
    const rules = this.load();
    this.cached = { at: now, rules };
    rules.catch(() => {
      if (this.cached?.rules === rules) this.cached = undefined;
    });
    return rules;
  }

  private async load(): Promise<IpRules> {
    const [bans, ipRules] = await Promise.all([this.ipBans.active(), this.ipRules.all()]);
    const byArea = new Map<string, string[]>();
    for (const rule of ipRules.filter((r) => r.kind === 'restricted-area')) {
      const name = rule.area ?? 'unnamed';
      byArea.set(name, [...(byArea.get(name) ?? []), rule.cidr]);
    }
    return {
      banned: addressList(bans.map((b) => b.ip)),
      blacklist: addressList(ipRules.filter((r) => r.kind === 'blacklist').map((r) => r.cidr)),
      areas: [...byArea].map(([area, cidrs]) => ({ area, list: addressList(cidrs) })),
    };
  }
}

/**
 * Whether the address's bucket is banned. The bucket's own network address is looked up, so an
 * IPv4 client written inside IPv6 (mapped, NAT64) meets the ban of its IPv4 address.
 */
function bucketBanned(banned: BlockList, ip: string): boolean {
  return listContains(banned, addressBucket(ip).replace(/\/64$/, ''));
}
