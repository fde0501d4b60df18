import type { Options } from 'amqplib';

/**
 * The RabbitMQ nodes a process may connect to: RABBITMQ_URL is one URL, or a comma-separated list
 * with one URL per node of a cluster. With one URL nothing changes (amqplib gets the string as it
 * is). With several, amqplib's connection recovery is pointed at a rotating endpoint: before each
 * reconnect attempt (amqplib asks `calculateDelay` for the delay then, once per attempt) the next
 * node is chosen, so a lost node is not tried first and every node is tried within one round.
 * Delays grow per round, not per attempt: all nodes are tried quickly, then backoff as before.
 */
export function splitBrokerUrls(setting: string): string[] {
  return setting
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
}

/** `amqp://user:pw@host:5701/vhost` → `host:5701` (what log lines name; never the credentials). */
export function nodeAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || (parsed.protocol === 'amqps:' ? 5671 : 5672)}`;
  } catch {
    return 'unparsable URL';
  }
}

/**
 * amqplib's object form of a connection URL: the same fields its string parser takes (host,
 * port, credentials, vhost, and the query's heartbeat, frameMax, channelMax, locale).
 */
export function connectOptionsOf(url: string): Options.Connect {
  const parsed = new URL(url);
  const query = parsed.searchParams;
  const number = (name: string) => (query.has(name) ? Number.parseInt(query.get(name)!, 10) : undefined);
  const credentials =
    parsed.username !== '' || parsed.password !== ''
      ? { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) }
      : {};
  return {
    protocol: parsed.protocol.replace(/:$/, ''),
    hostname: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : undefined,
    ...credentials,
    vhost: parsed.pathname.length > 1 ? parsed.pathname.slice(1) : undefined,
    heartbeat: number('heartbeat'),
    frameMax: number('frameMax'),
    channelMax: number('channelMax'),
    locale: query.get('locale') ?? undefined,
  };
}

export interface Backoff {
  initialDelay: number;
  maxDelay: number;
}

/**
 * Delay before reconnect attempt `attempt` (1, 2, …) with `nodes` nodes: the first attempt of a
 * round waits `initialDelay × 2^round` (capped at `maxDelay`, ±20 % jitter), the others of the
 * round `initialDelay`: a node that is gone costs one short step, not a growing backoff.
 */
export function roundDelay(attempt: number, nodes: number, backoff: Backoff, random = Math.random): number {
  const step = attempt - 1;
  if (step % nodes !== 0) return backoff.initialDelay;
  const round = Math.floor(step / nodes);
  const base = Math.min(backoff.maxDelay / 1.2, backoff.initialDelay * 2 ** round);
  return Math.round(base * (1 + 0.2 * (2 * random() - 1)));
}

/** What Broker.connect hands amqplib: the target, and with several nodes the rotation. */
export class BrokerNodes {
  readonly urls: string[];
  private index = 0;

  constructor(setting: string) {
    this.urls = splitBrokerUrls(setting);
    if (this.urls.length === 0) throw new Error('RABBITMQ_URL names no node');
  }

  get count(): number {
    return this.urls.length;
  }

  /** The node the current (or next) connection attempt goes to, as `host:port`. */
  get current(): string {
    return nodeAddress(this.urls[this.index]!);
  }

  /**
   * amqplib's first argument. One node: the URL string. Several: an object whose fields are read
   * by amqplib on every connection attempt (getters), so they follow the rotation.
   */
  target(): string | Options.Connect {
    if (this.urls.length === 1) return this.urls[0]!;
    const parsed = this.urls.map(connectOptionsOf);
    const endpoint = {} as Options.Connect;
    for (const key of [
      'protocol',
      'hostname',
      'port',
      'username',
      'password',
      'vhost',
      'heartbeat',
      'frameMax',
      'channelMax',
      'locale',
    ] as const) {
      Object.defineProperty(endpoint, key, { enumerable: true, get: () => parsed[this.index]![key] });
    }
    return endpoint;
  }

  /** Recovery options for several nodes (none for one: amqplib's own backoff, as before). */
  recoveryOptions(backoff: Backoff): { calculateDelay?: (attempt: number) => number } {
    if (this.urls.length === 1) return {};
    return {
      calculateDelay: (attempt: number) => {
        this.index = (this.index + 1) % this.urls.length;
        return roundDelay(attempt, this.urls.length, backoff);
      },
    };
  }
}
