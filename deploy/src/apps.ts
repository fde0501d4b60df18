import { CAPTCHA_RPC_QUEUE, Queues } from '#libs/contracts';
import type { DeploySettings } from './settings.js';

export type AppName = 'gateway' | 'captcha' | 'sms' | 'voice' | 'notifier';

/** How one app scales: the gateway on CPU (HorizontalPodAutoscaler), workers on their queues (KEDA). */
export type Scaling =
  | { kind: 'cpu'; minReplicas: number; maxReplicas: number; cpuUtilization: number }
  | {
      kind: 'queue';
      minReplicas: number;
      maxReplicas: number;
      /** Logical queue names (libs/contracts); the AMQP namespace is put in front when set. */
      queues: string[];
      /** Messages (ready + unacknowledged, i.e. waiting + in hand) one replica should carry. */
      messagesPerReplica: number;
      /** A CPU trigger beside the queues, for CPU-bound workers (percent of the request). */
      cpuUtilization?: number;
    };

export interface AppSpec {
  name: AppName;
  /** The app's entry point in the image (dist/apps/<name>/src/main.js), as docker-compose.yml runs it. */
  command: string[];
  /** The port answering /health, /health/live and /metrics (the gateway's HTTP port). */
  port: number;
  /** Environment of this app only (the shared part is the ConfigMap and the Secret). */
  env: Record<string, string>;
  /** Secrets of this app only (envFrom), beside the shared one. */
  extraSecrets: string[];
  resources: { cpu: string; memory: string; memoryLimit: string };
  scaling: Scaling;
}

export const SHARED_CONFIG = 'verigate-config';
export const SHARED_SECRET = 'verigate-secrets';
export const SMS_SECRET = 'verigate-sms-secrets';
export const VOICE_SECRET = 'verigate-voice-secrets';
/** The RabbitMQ management URL KEDA's scaler reads queue depths with (its own Secret: KEDA needs nothing else). */
export const KEDA_RABBITMQ_SECRET = 'verigate-keda-rabbitmq';
export const GATEWAY_PORT = 3000;
export const WORKER_HEALTH_PORT = 8080;

const main = (app: AppName) => ['node', '--enable-source-maps', `dist/apps/${app}/src/main.js`];

/**
 * The five apps. CPU requests come from docs/benchmarks.md (CPU per call) with headroom; see
 * docs/deploy.md "Sizing". Queue targets: one voice worker carries `ports` calls (its prefetch), so
 * it is asked to carry 70 % of them before another is added.
 */
export function appSpecs(s: DeploySettings): AppSpec[] {
  return [
    {
      name: 'gateway',
      command: main('gateway'),
      port: GATEWAY_PORT,
      env: { PORT: String(GATEWAY_PORT) },
      extraSecrets: [],
      resources: { cpu: '500m', memory: '256Mi', memoryLimit: '512Mi' },
      scaling: { kind: 'cpu', minReplicas: 2, maxReplicas: 10, cpuUtilization: 70 },
    },
    {
      name: 'captcha',
      command: main('captcha'),
      port: WORKER_HEALTH_PORT,
      env: {},
      extraSecrets: [],
      resources: { cpu: '1', memory: '384Mi', memoryLimit: '768Mi' },
      // Drawing is CPU-bound and the RPC queue is bounded (reject-publish): CPU leads, depth confirms.
      scaling: {
        kind: 'queue',
        minReplicas: 2,
        maxReplicas: 10,
        queues: [CAPTCHA_RPC_QUEUE],
        messagesPerReplica: 20,
        cpuUtilization: 70,
      },
    },
    {
      name: 'sms',
      command: main('sms'),
      port: WORKER_HEALTH_PORT,
      env: {
        VERIGATE_SMS_PROVIDER: s.sms.provider,
        VERIGATE_SMPP_SOURCE_ADDR: s.sms.sourceAddr,
      },
      extraSecrets: [SMS_SECRET],
      resources: { cpu: '250m', memory: '192Mi', memoryLimit: '384Mi' },
      // One SMPP bind per replica: maxReplicas must stay within the binds the SMS centre allows.
      scaling: {
        kind: 'queue',
        minReplicas: 2,
        maxReplicas: s.sms.maxReplicas,
        queues: [Queues.smsSend],
        messagesPerReplica: 50,
      },
    },
    {
      name: 'voice',
      command: main('voice'),
      port: s.voice.healthPort,
      env: {
        VERIGATE_HEALTH_PORT: String(s.voice.healthPort),
        VERIGATE_VOICE_CARRIER: 'sip',
        VERIGATE_VOICE_PORTS: String(s.voice.ports),
        VERIGATE_SIP_TRUNK: s.voice.trunk,
        VERIGATE_SIP_LOCAL_PORT: String(s.voice.sipPort),
        VERIGATE_RTP_PORT_MIN: String(s.voice.rtpPortMin),
        VERIGATE_RTP_PORT_MAX: String(s.voice.rtpPortMax),
      },
      extraSecrets: [VOICE_SECRET],
      resources: { cpu: '500m', memory: '256Mi', memoryLimit: '512Mi' },
      scaling: {
        kind: 'queue',
        minReplicas: 2,
        maxReplicas: s.voice.maxReplicas,
        queues: [Queues.voiceCalls],
        messagesPerReplica: Math.max(1, Math.floor(s.voice.ports * 0.7)),
      },
    },
    {
      name: 'notifier',
      command: main('notifier'),
      port: WORKER_HEALTH_PORT,
      env: {},
      extraSecrets: [],
      resources: { cpu: '250m', memory: '256Mi', memoryLimit: '512Mi' },
      // Events wait in these queues only while notifiers cannot record them; CPU follows webhook traffic.
      scaling: {
        kind: 'queue',
        minReplicas: 2,
        maxReplicas: 6,
        queues: [Queues.notifierCallEvents, Queues.notifierSmsEvents],
        messagesPerReplica: 200,
        cpuUtilization: 70,
      },
    },
  ];
}

/** The queue's name on the broker (VERIGATE_AMQP_NAMESPACE prefix, as Broker names it). */
export function brokerQueueName(s: DeploySettings, logical: string): string {
  return s.amqpNamespace ? `${s.amqpNamespace}.${logical}` : logical;
}
