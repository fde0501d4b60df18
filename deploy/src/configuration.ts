import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import {
  KEDA_RABBITMQ_SECRET,
  SHARED_CONFIG,
  SHARED_SECRET,
  SMS_SECRET,
  VOICE_SECRET,
  WORKER_HEALTH_PORT,
} from './apps.js';
import type { DeploySettings } from './settings.js';

export const KEDA_TRIGGER_AUTH = 'verigate-rabbitmq';

export const labels = (app?: string): Record<string, string> => ({
  'app.kubernetes.io/part-of': 'verigate',
  ...(app
    ? { 'app.kubernetes.io/name': app, 'app.kubernetes.io/component': app === 'gateway' ? 'api' : 'worker' }
    : {}),
});

/** The apps' shutdown deadline (VERIGATE_SHUTDOWN_TIMEOUT_S): the grace for live calls plus 20 s, the loader's default. */
export function shutdownTimeoutSeconds(s: DeploySettings): number {
  return s.shutdownGraceSeconds + 20;
}

export function namespace(s: DeploySettings): Namespace {
  return new Namespace({ metadata: { name: s.namespace, labels: labels() } });
}

/** What every app shares and nothing secret (README "Configuration"). */
export function sharedConfigMap(s: DeploySettings): ConfigMap {
  return new ConfigMap({
    metadata: { name: SHARED_CONFIG, namespace: s.namespace, labels: labels() },
    data: {
      NODE_ENV: 'production',
      // Probes and Prometheus reach the pods from outside: listen on every interface.
      HOST: '0.0.0.0',
      VERIGATE_HEALTH_PORT: String(WORKER_HEALTH_PORT),
      LOG_LEVEL: 'info',
      VERIGATE_AMQP_NAMESPACE: s.amqpNamespace,
      VERIGATE_TRUSTED_PROXIES: s.trustedProxies,
      VERIGATE_SMPP_DEST_PREFIX: s.smsCountryCode,
      VERIGATE_WEBHOOK_ALLOW_PRIVATE: 'false',
      VERIGATE_SHUTDOWN_GRACE_S: String(s.shutdownGraceSeconds),
      VERIGATE_SHUTDOWN_TIMEOUT_S: String(shutdownTimeoutSeconds(s)),
      // Kubernetes removes a stopping pod from its Service while SIGTERM arrives; endpoint updates
      // reach every ingress controller within a few seconds, so readiness answers 503 for 5 s first.
      VERIGATE_SHUTDOWN_DRAIN_MS: '5000',
    },
  });
}

/**
 * The Secrets, as an example with empty secret values: written to deploy/secret.example.yaml, not
 * to deploy/rendered/, so that `kubectl apply -f deploy/rendered/` never overwrites the real ones.
 * Left empty, the apps refuse to start (exit 78) naming VERIGATE_ADMIN_TOKEN and VERIGATE_MASTER_KEY.
 */
export function exampleSecrets(s: DeploySettings): Secret[] {
  const secret = (name: string, stringData: Record<string, string>) =>
    new Secret({ metadata: { name, namespace: s.namespace, labels: labels() }, type: 'Opaque', stringData });
  return [
    secret(SHARED_SECRET, {
      DATABASE_URL: `postgres://verigate:CHANGE-ME@postgresql.${s.namespace}.svc:${s.postgres.port}/verigate`,
      RABBITMQ_URL: `amqp://verigate:CHANGE-ME@rabbitmq.${s.namespace}.svc:${s.rabbitmq.port}`,
      // openssl rand -hex 24
      VERIGATE_ADMIN_TOKEN: '',
      // openssl rand -hex 32; changing it later makes stored app secrets unreadable.
      VERIGATE_MASTER_KEY: '',
      // Empty: /metrics is open (the NetworkPolicies admit only the monitoring namespace).
      VERIGATE_METRICS_TOKEN: '',
    }),
    secret(SMS_SECRET, {
      VERIGATE_SMPP_URL: s.sms.provider === 'smpp' ? 'smpp://system_id:CHANGEME@smsc.example.com:2775' : '',
      VERIGATE_SMS_HTTP_URL: s.sms.provider === 'http' ? 'https://sms.example.com/send' : '',
      VERIGATE_SMS_HTTP_SECRET: '',
    }),
    secret(VOICE_SECRET, { VERIGATE_SIP_USERNAME: '', VERIGATE_SIP_PASSWORD: '' }),
    // KEDA counts ready + unacknowledged messages through the management API (http), so a voice
    // worker's calls in progress count as load, not only calls waiting for a port.
    secret(KEDA_RABBITMQ_SECRET, {
      host: `http://verigate:CHANGE-ME@rabbitmq.${s.namespace}.svc:${s.rabbitmq.managementPort}/`,
    }),
  ];
}

export function kedaTriggerAuthentication(s: DeploySettings): TriggerAuthentication {
  return new TriggerAuthentication({
    metadata: { name: KEDA_TRIGGER_AUTH, namespace: s.namespace, labels: labels() },
    spec: { secretTargetRef: [{ parameter: 'host', name: KEDA_RABBITMQ_SECRET, key: 'host' }] },
  });
}
