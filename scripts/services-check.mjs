// Before `npm start` starts the apps: are PostgreSQL and RabbitMQ there? A TCP connection to each
// configured address (DATABASE_URL; every node of RABBITMQ_URL), so a machine without them gets
// one message naming the service, its address and the command that brings it up — instead of five
// apps retrying and logging connection errors. Credentials never appear in what is printed.
import { connect } from 'node:net';

const CONNECT_TIMEOUT_MS = 3000;

/** `scheme://user:pw@host:port/x` → `scheme://***@host:port/x` (or the URL as it is without user info). */
export function withoutPassword(url) {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = '***';
      parsed.password = '';
    }
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(not a valid URL)';
  }
}

function addressOf(url, defaultPort) {
  const parsed = new URL(url);
  return { host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(parsed.port) || defaultPort };
}

/** Resolves undefined when something accepts a TCP connection at the URL's address, else the error text. */
export function reachable(url, defaultPort, timeoutMs = CONNECT_TIMEOUT_MS) {
  return new Promise((resolve) => {
    let address;
    try {
      address = addressOf(url, defaultPort);
    } catch {
      resolve('not a valid URL');
      return;
    }
    const socket = connect(address);
    const done = (problem) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs / 1000} s`));
    socket.once('connect', () => done(undefined));
    socket.once('error', (error) => done(error.code ?? error.message));
  });
}

/**
 * The services that cannot be reached: `{ service, urls, problem }` each. RabbitMQ counts as
 * missing only when no node of the list answers (a cluster with one node down still runs).
 */
export async function missingServices({ databaseUrl, rabbitmqUrl }) {
  const missing = [];
  const pgProblem = await reachable(databaseUrl, 5432);
  if (pgProblem)
    missing.push({
      service: 'PostgreSQL',
      variable: 'DATABASE_URL',
      urls: [withoutPassword(databaseUrl)],
      problem: pgProblem,
    });
  const nodes = rabbitmqUrl
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const problems = await Promise.all(nodes.map((url) => reachable(url, url.startsWith('amqps:') ? 5671 : 5672)));
  if (problems.every(Boolean)) {
    missing.push({
      service: 'RabbitMQ',
      variable: 'RABBITMQ_URL',
      urls: nodes.map(withoutPassword),
      problem: [...new Set(problems)].join(', '),
    });
  }
  return missing;
}

/** What a person reads when a service is missing: which, where, and the one command. */
export function missingServicesMessage(missing) {
  const lines = [];
  for (const { service, variable, urls, problem } of missing) {
    lines.push(`${service} is not reachable at ${urls.join(', ')} (${variable}; ${problem}).`);
  }
  lines.push(
    '',
    'Start PostgreSQL and RabbitMQ with one of:',
    '  npm run services                          # installs (apt-get) and starts both from the Debian/Ubuntu packages',
    '  docker compose up -d postgres rabbitmq    # both in containers; then run npm start with',
    '      DATABASE_URL=postgres://postgres:verigate@127.0.0.1:5432/verigate RABBITMQ_URL=amqp://verigate:verigate@127.0.0.1:5672',
    'or point DATABASE_URL / RABBITMQ_URL at servers you already run. Then: npm start',
  );
  return lines.join('\n');
}
