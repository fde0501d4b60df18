import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppNumberEntity, type NumberStatus } from '#libs/persistence';

/** app_numbers: the display numbers of apps. Gateway only. */
@Injectable()
export class AppNumbersRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(AppNumberEntity);
  }

  /** Whether a number is registered to any app. */
  async registered(number: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM app_numbers WHERE number = $1 LIMIT 1`, [
      number,
    ]);
    return rows.length > 0;
  }

  add(appId: string, number: string, status: NumberStatus): Promise<AppNumberEntity> {
    return this.repo.save(this.repo.create({ appId, number, status }));
  }

  /** The app's numbers, in number order. */
  ofApp(appId: string): Promise<AppNumberEntity[]> {
    return this.repo.find({ where: { appId }, order: { number: 'ASC' } });
  }

  /** Whether the app had the number. */
  async setStatus(appId: string, number: string, status: NumberStatus): Promise<boolean> {
    return Boolean((await this.repo.update({ appId, number }, { status })).affected);
  }
}
