/**
 * `verigate`: the management API from a shell, on top of AdminClient (entry point: main.ts).
 * Output: JSON when --json is given or stdout is not a terminal (scripts, pipes), readable lines otherwise.
 */
import { parseArgs } from 'node:util';
import { AdminClient } from '../admin.js';
import { VerigateError } from '../errors.js';
import { ALL_OPTIONS, COMMANDS, type Command, type Options } from './commands.js';
import { render } from './output.js';
import { UsageError } from './values.js';

/** Exit codes, for scripts. */
export const EXIT = { ok: 0, apiError: 1, usage: 2, noAnswer: 3 } as const;

const HELP_FOOTER = `
Environment: VERIGATE_URL (default http://127.0.0.1:3000), VERIGATE_ADMIN_TOKEN (default dev-admin-token).
Options of every command: --json (JSON output, also the default when stdout is not a terminal), --help.
Exit codes: 0 done; 1 the gateway refused (its error_code and error_msg on stderr); 2 usage error;
            3 no answer from the gateway (not reachable, time-out).`;

const usageLine = (c: Command) =>
  `verigate ${c.words}${c.args.map((a) => ` ${a}`).join('')}${c.options.map((o) => ` [--${o} …]`).join('')}`;

function commandHelp(c: Command): string {
  return `usage: ${usageLine(c)}\n  ${c.summary}\n${HELP_FOOTER}\n`;
}

function overview(prefix?: string): string {
  const shown = COMMANDS.filter((c) => !prefix || c.words.split(' ')[0] === prefix);
  return `usage: verigate <command> [arguments] [--json]\n\nCommands:\n${shown
    .map((c) => `  ${usageLine(c).slice('verigate '.length)}\n      ${c.summary}`)
    .join('\n')}\n${HELP_FOOTER}\n`;
}

/** The command named by the first one or two words, and the arguments after them. */
function findCommand(positionals: string[]): { command?: Command; args: string[] } {
  const two = COMMANDS.find((c) => c.words === positionals.slice(0, 2).join(' '));
  if (two) return { command: two, args: positionals.slice(2) };
  const one = COMMANDS.find((c) => c.words === positionals[0]);
  return { command: one, args: positionals.slice(1) };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      ...Object.fromEntries(ALL_OPTIONS.map((name) => [name, { type: 'string' as const }])),
    },
  });
}

function checkUsage(command: Command, args: string[], options: Options): void {
  const required = command.args.filter((a) => a.startsWith('<')).length;
  if (args.length < required) throw new UsageError(`missing ${command.args.slice(args.length).join(' ')}`);
  if (args.length > command.args.length) throw new UsageError(`unexpected argument ${args[command.args.length]}`);
  const foreign = Object.keys(options).find((o) => !command.options.includes(o) && options[o] !== undefined);
  if (foreign) throw new UsageError(`--${foreign} is not an option of "${command.words}"`);
}

export async function run(
  argv: string[],
  io: { stdout: NodeJS.WritableStream & { isTTY?: boolean }; stderr: NodeJS.WritableStream; fetch?: typeof fetch },
  env: NodeJS.ProcessEnv,
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.stderr.write(`verigate: ${(error as Error).message}\n${overview()}`);
    return EXIT.usage;
  }
  const { json, help, ...rest } = parsed.values as Record<string, string | boolean | undefined>;
  const options = rest as Options;
  const { command, args } = findCommand(parsed.positionals);
  if (!command) {
    const known = COMMANDS.some((c) => c.words.split(' ')[0] === parsed.positionals[0]);
    (help ? io.stdout : io.stderr).write(overview(known ? parsed.positionals[0] : undefined));
    return help ? EXIT.ok : EXIT.usage;
  }
  if (help) {
    io.stdout.write(commandHelp(command));
    return EXIT.ok;
  }
  const asJson = json === true || !io.stdout.isTTY;
  try {
    checkUsage(command, args, options);
    const admin = new AdminClient({
      baseUrl: env.VERIGATE_URL ?? 'http://127.0.0.1:3000',
      token: env.VERIGATE_ADMIN_TOKEN ?? 'dev-admin-token',
      timeoutMs: 60_000,
      fetch: io.fetch,
    });
    io.stdout.write(render(await command.run(admin, args, options), asJson));
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`verigate ${command.words}: ${error.message}\n${commandHelp(command)}`);
      return EXIT.usage;
    }
    if (!(error instanceof VerigateError)) throw error;
    io.stderr.write(
      asJson && error.body !== undefined && error.status > 0
        ? `${JSON.stringify(error.body, null, 2)}\n`
        : `verigate: ${error.status || 'no answer'} ${error.resultcode}: ${error.message}\n`,
    );
    return error.noAnswer ? EXIT.noAnswer : EXIT.apiError;
  }
}
