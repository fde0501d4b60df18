import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sineWav } from '#libs/testing';
import { Platform } from './support/platform.js';

const exec = promisify(execFile);
const root = process.cwd();

/** Runs a command; resolves with its exit code and output whatever the code. */
async function outcome(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  try {
    const { stdout, stderr } = await exec(file, args, { ...options, env: { ...process.env, ...options.env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A script as an integrator writes it, against the installed tarball only. */
const CONSUMER_SCRIPT = `
import { readFile } from 'node:fs/promises';
import { AdminClient, VoiceClient, VerigateError } from '@verigate/client';
const baseUrl = process.env.VERIGATE_URL;
const admin = new AdminClient({ baseUrl, token: process.env.VERIGATE_ADMIN_TOKEN });
const { appKey, appSecret } = await admin.createApp({ name: 'packed', permissions: ['voice'] });
await admin.addNumber(appKey, '+8675528000071');
await admin.uploadTone(appKey, 'welcome.wav', await readFile('tone.wav'));
await admin.approveTone(appKey, 'welcome.wav');
const voice = new VoiceClient({ baseUrl, appKey, appSecret });
const body = { displayNbr: '+8675528000071', calleeNbr: '+8613800000071', languageType: 2, preTone: 'welcome.wav', verifyCode: '4321' };
const accepted = await voice.callVerify(body);
const refused = await voice.callVerify({ ...body, displayNbr: '+8675528009999' }).catch((e) => e);
console.log(JSON.stringify({ appKey, accepted, refused: { isVerigateError: refused instanceof VerigateError, resultcode: refused.resultcode, status: refused.status } }));
`;

/** Compiled with the repository's TypeScript: the package's declarations type an integrator's code. */
const CONSUMER_TYPES = `
import { VoiceClient, type CallVerifyRequest, type CallVerifyResult, type VerigateError } from '@verigate/client';
const body: CallVerifyRequest = { displayNbr: '+1', calleeNbr: '+2', languageType: 1, preTone: 't.wav', verifyCode: '12' };
// @ts-expect-error languageType is 1 or 2 in the OpenAPI document
const wrong: CallVerifyRequest = { ...body, languageType: 3 };
const result: Promise<CallVerifyResult> = new VoiceClient({ appKey: 'k', appSecret: 's' }).callVerify(body);
const code = (e: VerigateError): string => e.resultcode;
export { wrong, result, code };
`;

/**
 * \`npm pack\` of packages/client gives a tarball an integrator installs on its own (no registry,
 * no dependencies) and uses against a running gateway: the library from a script, its types
 * from TypeScript, and its \`verigate\` CLI with the documented exit codes.
 */
describe('@verigate/client as a packed tarball', () => {
  const platform = new Platform();
  let dir: string;
  let consumer: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    await platform.start({}, { notifier: false });
    env = { VERIGATE_URL: platform.baseUrl, VERIGATE_ADMIN_TOKEN: platform.config.adminToken };
    dir = await mkdtemp(join(tmpdir(), 'verigate-client-pack-'));
    consumer = join(dir, 'consumer');
    await mkdir(consumer);
  });

  afterAll(async () => {
    await platform.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('packs the built library, its declarations, the CLI and the README, and nothing else', async () => {
    const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', dir], {
      cwd: join(root, 'packages/client'),
    });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = packed!.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/cli/main.js',
        'dist/generated/openapi.d.ts',
      ]),
    );
    expect(files.filter((f) => !f.startsWith('dist/') && f !== 'package.json' && f !== 'README.md')).toEqual([]);
    expect(files.filter((f) => f.includes('.spec.'))).toEqual([]);

    await writeFile(join(consumer, 'package.json'), '{"name":"consumer","private":true,"type":"module"}\n');
    await exec('npm', ['install', join(dir, packed!.filename), '--offline', '--no-audit', '--no-fund'], {
      cwd: consumer,
    });
  });

  it('calls the running gateway from a script that imports only the installed package', async () => {
    await writeFile(join(consumer, 'tone.wav'), sineWav());
    await writeFile(join(consumer, 'use.mjs'), CONSUMER_SCRIPT);
    const { stdout } = await exec(process.execPath, ['use.mjs'], { cwd: consumer, env: { ...process.env, ...env } });
    const printed = JSON.parse(stdout);
    expect(printed.accepted).toMatchObject({ resultcode: '0', resultdesc: 'Success', sessionId: expect.any(String) });
    expect(printed.refused).toEqual({ isVerigateError: true, resultcode: '1012006', status: 403 });
    const [session] = await platform.infra.query<{ app_key: string }>(
      'SELECT app_key FROM call_sessions WHERE id = $1',
      [printed.accepted.sessionId],
    );
    expect(session?.app_key).toBe(printed.appKey);
  });

  it('types an integrator’s TypeScript from the OpenAPI document', async () => {
    // A whole tsc run with @types/node: ~20 s on the 2-core machine.
    await writeFile(join(consumer, 'typed.ts'), CONSUMER_TYPES);
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const result = await outcome(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--types',
        'node',
        '--typeRoots',
        join(root, 'node_modules/@types'),
        'typed.ts',
      ],
      { cwd: consumer },
    );
    expect(result).toMatchObject({ code: 0, stdout: '' });
  }, 120_000);

  it('installs the verigate CLI: JSON output and the documented exit codes', async () => {
    const verigate = join(consumer, 'node_modules/.bin/verigate');
    const apps = await outcome(verigate, ['apps', 'list', '--json'], { cwd: consumer, env });
    expect(apps.code).toBe(0);
    expect((JSON.parse(apps.stdout) as Array<{ name: string }>).map((a) => a.name)).toContain('packed');
    const help = await outcome(verigate, ['numbers', 'set', '--help'], { cwd: consumer, env });
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('numbers set <appKey> <number>') });
    const refused = await outcome(verigate, ['apps', 'get', 'no-such-app'], { cwd: consumer, env });
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stderr)).toMatchObject({ error_code: 'NOT_FOUND' });
    expect((await outcome(verigate, ['apps', 'get'], { cwd: consumer, env })).code).toBe(2);
    const down = await outcome(verigate, ['apps', 'list'], {
      cwd: consumer,
      env: { VERIGATE_URL: 'http://127.0.0.1:9' },
    });
    expect(down.code).toBe(3);
  });
});
