import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { aesEncrypt, powPayload, SecretBox, signAksk, solvePow } from '#libs/auth';
import { Exchanges } from '#libs/contracts';
import { Outbox, type OutboxRow } from '#libs/messaging';
import { startWorker } from '#libs/platform';
import { passedCaptchaCredentials, sineWav, TestInfrastructure, WebhookReceiver } from '#libs/testing';
import type { PlatformConfig } from '#libs/runtime';
import { CaptchaModule } from '../../../apps/captcha/src/captcha.module.js';
import { createGateway } from '../../../apps/gateway/src/main.js';
import { NotifierModule } from '../../../apps/notifier/src/notifier.module.js';
import { SmsModule } from '../../../apps/sms/src/sms.module.js';
import { VoiceModule } from '../../../apps/voice/src/voice.module.js';

/** The JSON body of a management-API answer, after checking its status (the body is in the error otherwise). */
export async function ok(response: Response, status = 200): Promise<any> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export interface TestApp {
  appKey: string;
  appSecret: string;
  displayNbr: string;
}

/**
 * The whole platform in-process against the real PostgreSQL and RabbitMQ: gateway (HTTP on a
 * random port), voice worker, notifier; plus a real webhook receiver.
 */
export class Platform {
  readonly infra = new TestInfrastructure();
  readonly receiver = new WebhookReceiver();
  config!: PlatformConfig;
  gateway!: NestFastifyApplication;
  voice?: INestApplicationContext;
  notifier?: INestApplicationContext;
  baseUrl!: string;
  /** Captcha workers started with `startCaptcha` (closed by `stop`). */
  readonly captchaWorkers: INestApplicationContext[] = [];
  /** SMS workers started with `startSms` (closed by `stop`). */
  readonly smsWorkers: INestApplicationContext[] = [];

  private env: Record<string, string> = {};

  async start(env: Record<string, string> = {}, apps: { voice?: boolean; notifier?: boolean } = {}): Promise<this> {
    this.env = env;
    this.config = this.infra.config(env);
    await this.receiver.start();
    this.gateway = await createGateway(this.config, this.infra.logger('gateway'));
    await this.gateway.listen(0, '127.0.0.1');
    this.baseUrl = `http://127.0.0.1:${(this.gateway.getHttpServer().address() as AddressInfo).port}`;
    if (apps.voice !== false) await this.startVoice();
    if (apps.notifier !== false) await this.restartNotifier();
    return this;
  }

  /**
   * (Re)starts the in-process notifier: closes the running one first, so exactly one delivers;
   * `env` adds to the platform's (e.g. another address policy or retry schedule for one test).
   */
  async restartNotifier(env: Record<string, string> = {}): Promise<INestApplicationContext> {
    await this.notifier?.close();
    this.notifier = undefined;
    const config = Object.keys(env).length ? this.infra.config({ ...this.env, ...env }) : this.config;
    const notifier = await startWorker(NotifierModule.register(config, this.infra.logger('notifier')), false);
    this.notifier = notifier;
    return notifier;
  }

  async startVoice(env: Record<string, string> = {}): Promise<INestApplicationContext> {
    const config = Object.keys(env).length ? this.infra.config({ ...this.env, ...env }) : this.config;
    const voice = await startWorker(VoiceModule.register(config, this.infra.logger('voice')), false);
    this.voice = voice;
    return voice;
  }

  /**
   * For files that run no voice worker: registers voice-port capacity as a live worker would
   * (heartbeat an hour ahead), so callVerify is not refused with 1020154. Returns its id.
   */
  async provideVoicePorts(ports: number, id = 'test-capacity'): Promise<string> {
    await this.infra.query(
      `INSERT INTO voice_workers (id, host_name, ports, heartbeat_at) VALUES ($1, 'test', $2, now() + interval '1 hour')
       ON CONFLICT (id) DO UPDATE SET ports = EXCLUDED.ports, heartbeat_at = EXCLUDED.heartbeat_at`,
      [id, ports],
    );
    return id;
  }

  /** Starts one more captcha worker (several may run: competing consumers). */
  async startCaptcha(): Promise<INestApplicationContext> {
    const worker = await startWorker(CaptchaModule.register(this.config, this.infra.logger('captcha')), false);
    this.captchaWorkers.push(worker);
    return worker;
  }

  /** Starts an sms worker (several may run: competing consumers); `env` adds to the platform's. */
  async startSms(env: Record<string, string> = {}): Promise<INestApplicationContext> {
    const config = Object.keys(env).length ? this.infra.config({ ...this.env, ...env }) : this.config;
    const worker = await startWorker(SmsModule.register(config, this.infra.logger('sms')), false);
    this.smsWorkers.push(worker);
    return worker;
  }

  async stopSms(worker: INestApplicationContext): Promise<void> {
    this.smsWorkers.splice(this.smsWorkers.indexOf(worker), 1);
    await worker.close();
  }

  /** SDK headers of a client of `appKey` behind the trusted proxy 127.0.0.1, which names it in X-Forwarded-For. */
  sdkHeaders(
    appKey: string,
    device: string,
    clientIp = '198.51.100.1',
    extra: Record<string, string> = {},
  ): Record<string, string> {
    return {
      'x-operating-sys-version': 'Android 10',
      'x-device-fingerprint': device,
      'x-agent': 'Mozilla/5.0 (test)',
      'x-client-id': appKey,
      'x-forwarded-for': clientIp,
      ...extra,
    };
  }

  /** POST/GET on the SDK API; the body as JSON (or a raw string). */
  async sdk(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.baseUrl}/api/v2/sdk${path}`, {
      method,
      headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json;charset=utf8' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  /**
   * Solves a blockPuzzle as a client would (the answer read from the database stands in for the
   * person) and returns its captchaVerification, the SMS API's captcha_token: plain form, or the
   * AES form when `aes` (then also returns the plain form the client could send instead). Solves
   * the proof of work when the app requires it.
   */
  async solveCaptcha(headers: Record<string, string>, aes = false): Promise<{ credential: string; plain: string }> {
    const got = await this.sdk('GET', '/captcha?captchaType=blockPuzzle', headers);
    if (got.status !== 200) throw new Error(`captcha get: ${got.status} ${JSON.stringify(got.body)}`);
    const [row] = await this.infra.query<{ answer: { x: number; y: number } }>(
      'SELECT answer FROM captcha_sessions WHERE token = $1',
      [got.body.token],
    );
    const plainPoint = JSON.stringify({ x: row!.answer.x, y: row!.answer.y });
    const pointJson = aes ? aesEncrypt(plainPoint, got.body.secretKey) : plainPoint;
    // Apps with proof of work (the default): solved as the widget would.
    const pow = got.body.pow ? { powSolution: powPayload(got.body.pow, solvePow(got.body.pow)!) } : {};
    const checked = await this.sdk('POST', '/captcha/check', headers, {
      captchaType: 'blockPuzzle',
      token: got.body.token,
      pointJson,
      ...pow,
    });
    if (checked.status !== 200) throw new Error(`captcha check: ${checked.status} ${JSON.stringify(checked.body)}`);
    return { credential: checked.body.captchaVerification, plain: `${got.body.token}---${plainPoint}` };
  }

  /** A passed captcha credential of `appKey` (see passedCaptchaCredentials), for tests that need many SMS sends. */
  async passedCaptchaCredential(appKey: string): Promise<string> {
    const { credentials, sql, params } = passedCaptchaCredentials(
      appKey,
      1,
      new SecretBox(this.config.masterKey).seal(randomBytes(8).toString('hex')),
    );
    await this.infra.query(sql, params);
    return credentials[0]!;
  }

  /**
   * An SMS message of `appKey` recorded as submitted (segment id `providerId`), its `submitted`
   * status event published: the app's smsStatusUrl gets one notification, without an sms worker.
   */
  async submittedSms(
    appKey: string,
    { messageId = randomUUID(), providerId = `P-${messageId}` }: { messageId?: string; providerId?: string } = {},
  ): Promise<string> {
    await this.infra.query(
      `INSERT INTO sms_messages (id, app_id, app_key, mobile, type, lang, code_hash, code_sealed, code_expires_at, max_verify_attempts,
                                 captcha_token, fingerprint, client_ip)
       SELECT $1::uuid, id, app_key, '+8613800000009', 'LOGIN_SMS', 'zh', 'h', 's', now() + interval '5 minutes', 5, 'c-' || $1::text, 'fp', '203.0.113.7'
         FROM apps WHERE app_key = $2`,
      [messageId, appKey],
    );
    const rows = await this.infra.query<OutboxRow>('SELECT * FROM verigate_sms_submitted($1, $2, $3::text[], $4)', [
      messageId,
      'smpp',
      [providerId],
      Exchanges.smsEvents,
    ]);
    await this.gateway.get(Outbox, { strict: false }).dispatch(rows);
    return messageId;
  }

  async stopCaptcha(worker: INestApplicationContext): Promise<void> {
    this.captchaWorkers.splice(this.captchaWorkers.indexOf(worker), 1);
    await worker.close();
  }

  async stop(): Promise<void> {
    for (const worker of this.captchaWorkers.splice(0)) await worker.close();
    for (const worker of this.smsWorkers.splice(0)) await worker.close();
    await this.notifier?.close();
    await this.voice?.close();
    await this.gateway?.close();
    await this.receiver.stop();
    await this.infra.dispose();
  }

  admin(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Response> {
    return fetch(`${this.baseUrl}/admin/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.config.adminToken}`,
        ...(body !== undefined ? { 'content-type': contentType } : {}),
      },
      body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
    });
  }

  /** Creates an app with a display number and an approved pre-tone, through the management API. */
  async createApp(displayNbr = '+8675528000088'): Promise<TestApp> {
    const created = await this.admin('POST', '/apps', { name: `app-${Math.random().toString(36).slice(2, 8)}` });
    if (created.status !== 201) throw new Error(`create app: ${created.status} ${await created.text()}`);
    const { appKey, appSecret } = (await created.json()) as { appKey: string; appSecret: string };
    const number = await this.admin('POST', `/apps/${appKey}/numbers`, { number: displayNbr });
    if (number.status !== 201) throw new Error(`add number: ${number.status} ${await number.text()}`);
    const tone = await this.admin('POST', `/apps/${appKey}/tones?name=welcome.wav`, sineWav(), 'audio/wav');
    if (tone.status !== 201) throw new Error(`upload tone: ${tone.status} ${await tone.text()}`);
    const approved = await this.admin('POST', `/apps/${appKey}/tones/welcome.wav/approve`);
    if (approved.status !== 200) throw new Error(`approve tone: ${approved.status} ${await approved.text()}`);
    return { appKey, appSecret, displayNbr };
  }

  async callVerify(
    app: TestApp,
    body: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.baseUrl}/rest/httpsessions/callVerify/v1.0`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json;charset=UTF-8',
        ...(headers ?? signAksk(app.appKey, app.appSecret)),
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  callBody(app: TestApp, calleeNbr: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      displayNbr: app.displayNbr,
      calleeNbr,
      languageType: 2,
      preTone: 'welcome.wav',
      verifyCode: '12345678',
      times: 1,
      ...extra,
    };
  }
}
