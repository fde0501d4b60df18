import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { NumberListEntryEntity, type NumberListName } from '#libs/persistence';

/** number_lists: black and white lists of numbers, platform-wide (appId null) or an app's. Gateway only. */
@Injectable()
export class NumberListsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(NumberListEntryEntity);
  }

  /** The platform-wide entries. */
  platformEntries(): Promise<Array<{ list: string; number: string }>> {
    return this.dataSource.query(`SELECT list, number FROM number_lists WHERE app_id IS NULL`);
  }

  async add(entry: { list: NumberListName; number: string; appId: string | null }): Promise<void> {
    await this.repo.save(this.repo.create(entry));
  }

  /** Whether the entry existed. */
  async remove(entry: { list: NumberListName; number: string; appId: string | null }): Promise<boolean> {
    return Boolean(
      (await this.repo.delete({ list: entry.list, number: entry.number, appId: entry.appId ?? IsNull() })).affected,
    );
  }

  /** The entries of one list (or both) of an app or of the platform, in number order. */
  find(list: NumberListName | undefined, appId: string | null): Promise<NumberListEntryEntity[]> {
    return this.repo.find({ where: { ...(list ? { list } : {}), appId: appId ?? IsNull() }, order: { number: 'ASC' } });
  }
}
