import { randomBytes, randomInt } from 'node:crypto';
import { SecretBox } from '#libs/auth';
import { sineWav, TestSmsc, WebhookReceiver, type ReceivedRequest } from '#libs/testing';
import { Fleet } from './fleet.js';
import type { TrafficTarget } from './traffic.js';

/**
 * The platform a fault scenario drives, set up as the main fault suite sets up its own: an SMS
 * centre, a webhook receiver, gateway + voice + sms + notifier as processes from dist/, one voice
 * app and one SMS app. What differs per suite: the broker URL(s), database, namespace and ports.
 */
export interface PlatformUnderTestOptions {
  root: string;
  logDir: string;
  databaseUrl: string;
  rabbitmqUrl: string;
  amqpNamespace: string;
  ports: { receiver: number; smsc: number; gateway: number; firstHealthPort: number; lastHealthPort: number };
}

export class PlatformUnderTest {
  readonly adminToken = `op-${randomBytes(16).toString('hex')}`;
  readonly masterKey = `mk-${randomBytes(24).toString('hex')}`;
  readonly smppPassword = String(randomInt(10_000_000, 100_000_000));
  readonly smsc = new TestSmsc({ systemId: 'faults', password: this.smppPassword, autoReceipt: 'DELIVRD' });
  readonly receiver = new WebhookReceiver();
  readonly delivered: ReceivedRequest[] = [];
  readonly fleet: Fleet;
  target?: TrafficTarget;

  constructor(private readonly options: PlatformUnderTestOptions) {
    this.fleet = new Fleet(options.root, options.logDir, this.env(), options.ports);
  }

  private env(): Record<string, string> {
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      DATABASE_URL: this.options.databaseUrl,
      RABBITMQ_URL: this.options.rabbitmqUrl,
      VERIGATE_AMQP_NAMESPACE: this.options.amqpNamespace,
      LOG_LEVEL: 'debug',
      VERIGATE_ADMIN_TOKEN: this.adminToken,
      VERIGATE_MASTER_KEY: this.masterKey,
      VERIGATE_WEBHOOK_ALLOW_PRIVATE: 'true',
      VERIGATE_WEBHOOK_RETRY_SCHEDULE: `500ms,1s,2s,4s,${Array(22).fill('8s').join(',')}`,
      VERIGATE_SIM_RING_MS: '300',
      VERIGATE_SIM_PROMPT_MS: '500',
      VERIGATE_ORPHAN_SWEEP_S: '2',
      VERIGATE_TRUSTED_PROXIES: '127.0.0.1',
      VERIGATE_SMS_PROVIDER: 'smpp',
      VERIGATE_SMPP_URL: `smpp://faults:${this.smppPassword}@127.0.0.1:${this.options.ports.smsc}`,
      VERIGATE_SMS_CODE_LENGTH: '8',
      VERIGATE_SMS_VELOCITY_MULTIPLE: '0',
      VERIGATE_SMS_DAILY_BUDGET: '1000000000',
    };
  }

  /** SMS centre and receiver listening, the apps healthy, the two apps created: the traffic target. */
  async start(): Promise<TrafficTarget> {
    await this.smsc.start(this.options.ports.smsc);
    this.receiver.respond = (request) => {
      this.delivered.push(request);
      return 200;
    };
    await this.receiver.start(this.options.ports.receiver);
    await this.fleet.start('gateway', 90_000); // creates the database and runs the migrations
    await Promise.all([this.fleet.start('voice'), this.fleet.start('sms'), this.fleet.start('notifier')]);

    const gatewayUrl = `http://127.0.0.1:${this.options.ports.gateway}`;
    const admin = async (path: string, body?: unknown, contentType = 'application/json') => {
      const response = await fetch(`${gatewayUrl}/admin/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.adminToken}`, 'content-type': contentType },
        body: Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body ?? {}),
      });
      const text = await response.text();
      if (response.status >= 300) throw new Error(`admin ${path}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    const voiceApp = await admin('/apps', { name: 'faults voice' });
    const displayNbr = '+8675528000088';
    await admin(`/apps/${voiceApp.appKey}/numbers`, { number: displayNbr });
    await admin(`/apps/${voiceApp.appKey}/tones?name=welcome.wav`, sineWav(), 'audio/wav');
    await admin(`/apps/${voiceApp.appKey}/tones/welcome.wav/approve`);
    const smsApp = await admin('/apps', {
      name: 'faults sms',
      signature: 'Faults',
      permissions: ['captcha', 'sms'],
      smsStatusUrl: this.receiver.url('/sms/status'),
      limits: { smsPerIpPerHour: 100_000, smsPerDevicePerHour: 100_000 },
    });
    this.target = {
      gatewayUrl,
      databaseUrl: this.options.databaseUrl,
      voiceApp: { appKey: voiceApp.appKey, appSecret: voiceApp.appSecret, displayNbr },
      smsAppKey: smsApp.appKey,
      sealedCaptchaKey: new SecretBox(this.masterKey).seal(randomBytes(8).toString('hex')),
      delivered: this.delivered,
      smsc: this.smsc,
      voiceUrls: { status: this.receiver.base64Url('/voice/status'), fee: this.receiver.base64Url('/voice/fee') },
    };
    return this.target;
  }

  async stop(): Promise<void> {
    try {
      await this.fleet.stopAll();
    } finally {
      await this.receiver.stop().catch(() => undefined);
      await this.smsc.stop().catch(() => undefined);
    }
  }
}
