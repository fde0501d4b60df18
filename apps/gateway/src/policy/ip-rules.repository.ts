import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IpRuleEntity, type IpRuleKind } from '#libs/persistence';

export interface IpRuleRow {
  id: string;
  kind: IpRuleKind;
  cidr: string;
  area: string | null;
}

/** ip_rules: platform blacklists and restricted areas of `/rest/` client addresses. Gateway only. */
@Injectable()
export class IpRulesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every rule, as the IP guard matches them. */
  all(): Promise<Array<{ kind: string; cidr: string; area: string | null }>> {
    return this.dataSource.query(`SELECT kind, cidr::text AS cidr, area FROM ip_rules`);
  }

  /** Adds a rule (its network address); the same kind and CIDR again updates its area. */
  async upsert(kind: IpRuleKind, cidr: string, area: string | null): Promise<IpRuleRow | undefined> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO ip_rules (kind, cidr, area) VALUES ($1, network($2::inet), $3)
       ON CONFLICT (kind, cidr) DO UPDATE SET area = EXCLUDED.area RETURNING id, kind, cidr::text AS cidr, area`,
      [kind, cidr, area],
    )) as IpRuleRow[];
    return row;
  }

  /** Every rule for operators, by kind then CIDR. */
  list(): Promise<Array<Record<string, unknown>>> {
    return this.dataSource.query(
      `SELECT id, kind, cidr::text AS cidr, area, created_at AS "createdAt" FROM ip_rules ORDER BY kind, cidr`,
    );
  }

  /** Whether a rule was removed. */
  async remove(id: string): Promise<boolean> {
    return Boolean((await this.dataSource.getRepository(IpRuleEntity).delete({ id })).affected);
  }
}
