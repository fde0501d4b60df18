import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '#libs/runtime';
import { BrokerNodes, connectOptionsOf, nodeAddress, roundDelay, splitBrokerUrls } from './broker-nodes.js';

const CLUSTER =
  'amqp://u:p%40ss@127.0.0.1:5701/v%2Fh?heartbeat=7, amqp://u:p%40ss@127.0.0.1:5702/v%2Fh,amqps://node3.example:5703';

describe('broker nodes (RABBITMQ_URL with one URL per cluster node)', () => {
  it('splits a comma-separated list, spaces allowed', () => {
    expect(splitBrokerUrls(CLUSTER)).toEqual([
      'amqp://u:p%40ss@127.0.0.1:5701/v%2Fh?heartbeat=7',
      'amqp://u:p%40ss@127.0.0.1:5702/v%2Fh',
      'amqps://node3.example:5703',
    ]);
    expect(splitBrokerUrls('amqp://127.0.0.1')).toEqual(['amqp://127.0.0.1']);
  });

  it('names a node by host and port, never by its credentials', () => {
    expect(nodeAddress('amqp://u:secret@10.0.0.1:5701/x')).toBe('10.0.0.1:5701');
    expect(nodeAddress('amqp://u:secret@10.0.0.1')).toBe('10.0.0.1:5672');
    expect(nodeAddress('amqps://h')).toBe('h:5671');
  });

  it("turns a URL into amqplib's object form with the same meaning", () => {
    expect(connectOptionsOf('amqp://u:p%40ss@127.0.0.1:5701/v%2Fh?heartbeat=7')).toEqual({
      protocol: 'amqp',
      hostname: '127.0.0.1',
      port: 5701,
      username: 'u',
      password: 'p@ss',
      vhost: 'v%2Fh',
      heartbeat: 7,
      frameMax: undefined,
      channelMax: undefined,
      locale: undefined,
    });
    // No credentials: amqplib's guest/guest default applies (both left undefined), no vhost: '/'.
    expect(connectOptionsOf('amqps://node3.example')).toMatchObject({
      protocol: 'amqps',
      hostname: 'node3.example',
      port: undefined,
      vhost: undefined,
    });
    expect(connectOptionsOf('amqps://node3.example')).not.toHaveProperty('username');
  });

  it('hands amqplib the URL string itself when there is one node, and no delay strategy of its own', () => {
    const nodes = new BrokerNodes('amqp://guest:guest@127.0.0.1:5672');
    expect(nodes.count).toBe(1);
    expect(nodes.target()).toBe('amqp://guest:guest@127.0.0.1:5672');
    expect(nodes.recoveryOptions({ initialDelay: 200, maxDelay: 5000 })).toEqual({});
  });

  it('moves to the next node before every reconnect attempt, round and round', () => {
    const nodes = new BrokerNodes(CLUSTER);
    const target = nodes.target() as { hostname: string; port: number };
    const { calculateDelay } = nodes.recoveryOptions({ initialDelay: 200, maxDelay: 5000 });
    const seen = [`${target.hostname}:${target.port}`];
    for (let attempt = 1; attempt <= 4; attempt++) {
      calculateDelay!(attempt);
      seen.push(`${target.hostname}:${target.port}`);
    }
    expect(seen).toEqual([
      '127.0.0.1:5701',
      '127.0.0.1:5702',
      'node3.example:5703',
      '127.0.0.1:5701',
      '127.0.0.1:5702',
    ]);
    expect(nodes.current).toBe('127.0.0.1:5702');
  });

  it('backs off per round of nodes, not per attempt', () => {
    const half = () => 0.5; // no jitter
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16].map((attempt) =>
      roundDelay(attempt, 3, { initialDelay: 200, maxDelay: 5000 }, half),
    );
    expect(delays).toEqual([200, 200, 200, 400, 200, 200, 800, 200, 200, 1600, 200, 200, 3200, 200, 200, 4167]);
    // One node: amqplib's usual exponential backoff shape.
    expect([1, 2, 3].map((a) => roundDelay(a, 1, { initialDelay: 200, maxDelay: 5000 }, half))).toEqual([
      200, 400, 800,
    ]);
  });

  it('refuses an empty RABBITMQ_URL', () => {
    expect(() => new BrokerNodes(' , ')).toThrow('RABBITMQ_URL names no node');
  });
});

describe('RABBITMQ_URL in the configuration loader', () => {
  it('takes a list of node URLs as it is', () => {
    expect(loadConfig({ RABBITMQ_URL: CLUSTER }).rabbitmqUrl).toBe(CLUSTER);
  });

  it('names the bad entries by position, without echoing them', () => {
    let message = '';
    try {
      loadConfig({ RABBITMQ_URL: 'amqp://u:secret@a:5701,http://u:secret@b:5702,,not a url' });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toContain('RABBITMQ_URL entry 2 must use amqp: or amqps: (got http:)');
    expect(message).toContain('RABBITMQ_URL has an empty entry');
    expect(message).toContain('RABBITMQ_URL entry 4 is not a valid URL');
    expect(message).not.toContain('secret');
  });
});
