import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { openRowCursor } from './row-cursor.js';

/** A QueryRunner over a fake pg client that records what happens to the connection. */
function fakeDataSource(options: { failOn?: string } = {}) {
  const log: string[] = [];
  const client = Object.assign(new EventEmitter(), {
    query(query: unknown) {
      if (typeof query !== 'string') {
        log.push('cursor');
        return Readable.from([]);
      }
      log.push(query.startsWith('SET LOCAL') ? 'SET LOCAL' : query);
      return query === options.failOn ? Promise.reject(new Error(`${query} failed`)) : Promise.resolve({ rows: [] });
    },
    end() {
      log.push('end');
      return Promise.resolve();
    },
  });
  const dataSource = {
    createQueryRunner: () => ({
      connect: async () => client,
      release: async () => {
        log.push('release');
      },
    }),
  } as unknown as DataSource;
  return { dataSource, log, client };
}

const query = { sql: 'SELECT 1', params: [], timeoutSeconds: 60, onConnectionError: () => undefined };

describe('openRowCursor', () => {
  it('reads in a read-only transaction with its own timeout, commits and gives the connection back', async () => {
    const { dataSource, log } = fakeDataSource();
    const cursor = await openRowCursor(dataSource, query);
    expect(await cursor.close()).toBeUndefined();
    expect(log).toEqual(['BEGIN READ ONLY', 'SET LOCAL', 'cursor', 'COMMIT', 'release']);
  });

  it('closes the connection of a failed or abandoned read instead of reusing it', async () => {
    const { dataSource, log } = fakeDataSource();
    const cursor = await openRowCursor(dataSource, query);
    const failure = new Error('client went away');
    expect(await cursor.close(failure)).toBe(failure);
    expect(log).toEqual(['BEGIN READ ONLY', 'SET LOCAL', 'cursor', 'end', 'release']);
  });

  it('reports a failed commit and closes that connection too', async () => {
    const { dataSource, log } = fakeDataSource({ failOn: 'COMMIT' });
    const cursor = await openRowCursor(dataSource, query);
    expect((await cursor.close())?.message).toBe('COMMIT failed');
    expect(log.slice(-3)).toEqual(['COMMIT', 'end', 'release']);
  });

  it('gives up a connection whose transaction could not start, and says why', async () => {
    const { dataSource, log } = fakeDataSource({ failOn: 'BEGIN READ ONLY' });
    await expect(openRowCursor(dataSource, query)).rejects.toThrow('BEGIN READ ONLY failed');
    expect(log).toEqual(['BEGIN READ ONLY', 'end', 'release']);
  });

  it('stops listening for connection errors once the connection is given back', async () => {
    const { dataSource, client } = fakeDataSource();
    const cursor = await openRowCursor(dataSource, query);
    expect(client.listenerCount('error')).toBe(1);
    await cursor.close();
    expect(client.listenerCount('error')).toBe(0);
  });
});
