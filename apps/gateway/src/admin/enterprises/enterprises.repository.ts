import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EnterpriseEntity } from '#libs/persistence';

/** enterprises: sub-enterprises, groups of apps an operator can suspend at once. Gateway only. */
@Injectable()
export class EnterprisesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates the enterprise or updates its status. */
  async put(id: string, status: 'normal' | 'suspended'): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO enterprises (id, status) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, updated_at = now()`,
      [id, status],
    );
  }

  /** Every enterprise, in id order. */
  list(): Promise<EnterpriseEntity[]> {
    return this.dataSource.getRepository(EnterpriseEntity).find({ order: { id: 'ASC' } });
  }

  exists(id: string): Promise<boolean> {
    return this.dataSource.getRepository(EnterpriseEntity).existsBy({ id });
  }
}
