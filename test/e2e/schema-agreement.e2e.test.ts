import { afterAll, describe, expect, it } from '@jest/globals';
import { openDatabase } from '#libs/persistence';
import { TestInfrastructure } from '#libs/testing';
import type { DataSource } from 'typeorm';

/**
 * The TypeORM entities restate the migrations' DDL (the migrations are what creates the schema;
 * `synchronize` is off). Nothing else checks that the two agree: here a fresh database is
 * migrated and TypeORM's schema builder, comparing it with the entities, must find nothing to
 * change. A failure prints the statements it would run: fix the entity (or the migration).
 */
describe('schema agreement of entities and migrations', () => {
  const infra = new TestInfrastructure();
  let dataSource: DataSource | undefined;

  afterAll(async () => {
    await dataSource?.destroy();
    await infra.dispose();
  });

  it('a freshly migrated database needs no change to match the entities', async () => {
    dataSource = await openDatabase(infra.databaseUrl, 2);
    const pending = await dataSource.driver.createSchemaBuilder().log();
    const statements = pending.upQueries.map((query) => query.query);
    expect({ statements }).toEqual({ statements: [] });
  });
});
