import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { preparedRows } from '#libs/persistence';

/**
 * rate_counters for the call path's request quota (the accepting statement takes the call
 * counters itself, see CallSessionsRepository.accept). Gateway only.
 */
@Injectable()
export class RateCountersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Takes the counters (verigate_take_counters: a refusal raises SQLSTATE VG001 with its result
   * code). Losing the last counts in a database crash is harmless, so the commit does not wait
   * for the disk.
   */
  async takeWithoutFlush(counters: readonly [string[], number[], number[], string[]]): Promise<void> {
    await preparedRows(
      this.dataSource,
      `SELECT set_config('synchronous_commit', 'off', true), verigate_take_counters($1, $2, $3, $4)`,
      [...counters],
    );
  }
}
