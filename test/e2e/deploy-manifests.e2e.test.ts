import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsYaml from 'js-yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { CAPTCHA_RPC_QUEUE, Queues } from '#libs/contracts';
import { RPC_QUEUES, WORK_QUEUES } from '#libs/messaging';
import { loadConfig, type AppName } from '#libs/runtime';
import { renderAll, staleFiles } from '../../deploy/src/render.js';

/**
 * deploy/ cannot be applied here (no cluster): every rendered object is read back from its YAML and
 * validated against the Kubernetes API schema of its kind (kubernetes-models, Kubernetes 1.27) or
 * KEDA's CRD schema (@kubernetes-models/keda); each app's environment, built the way the kubelet
 * builds it, goes through the configuration loader.
 */
const root = join(import.meta.dirname, '..', '..');
const files = renderAll();

type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [key: string]: unknown };
type Schema = new (data: never) => { validate(): void };

const SCHEMAS: Record<string, Schema> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
};

/** Validates one object as the API server would check its schema; throws naming the field. */
function validate(doc: Doc): void {
  const Model = SCHEMAS[`${doc.apiVersion}/${doc.kind}`];
  if (!Model) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}`);
  new Model(doc as never).validate();
}

const docsOf = (path: string): Doc[] => (jsYaml.safeLoadAll(files.get(path)!) as Doc[]).filter(Boolean);
const applied = [...files.keys()].filter((path) => path.startsWith(join('deploy', 'rendered'))).flatMap(docsOf);
const secrets = docsOf(join('deploy', 'secret.example.yaml'));
const ofKind = (kind: string) => applied.filter((doc) => doc.kind === kind);
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

interface Container {
  command: string[];
  ports: { containerPort: number; protocol?: string }[];
  envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef: { fieldPath: string } } }[];
  readinessProbe?: { httpGet: { path: string; port: number } };
  livenessProbe?: { httpGet: { path: string; port: number } };
  startupProbe?: { httpGet: { path: string; port: number } };
}
interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds: number;
  hostNetwork?: boolean;
}
const podOf = (d: Doc) =>
  (d.spec as { template: { metadata: { labels: Record<string, string> }; spec: PodSpec } }).template;

/** What an operator fills into deploy/secret.example.yaml (random-looking, not the development values). */
const FILLED: Record<string, string> = {
  VERIGATE_ADMIN_TOKEN: 'a3f1c09e5b7d4e2f8a6c1b0d9e7f5a3c',
  VERIGATE_MASTER_KEY: '5e8d2c7b1a9f4e6d3c0b8a7f6e5d4c3b2a190817',
  VERIGATE_METRICS_TOKEN: 'f0e1d2c3b4a5968778695a4b3c2d1e0f',
  VERIGATE_SIP_USERNAME: 'verigate',
  VERIGATE_SIP_PASSWORD: 'b7c6d5e4f3a2',
};
/** The downward API's answers on a node. */
const FIELD_REFS: Record<string, string> = { 'status.hostIP': '203.0.113.10' };

/** The final stage's `ENV` lines of the Dockerfile (NODE_ENV=production). */
function imageEnv(): Record<string, string> {
  const finalStage = readFileSync(join(root, 'Dockerfile'), 'utf8')
    .split(/^FROM /m)
    .pop()!;
  return Object.fromEntries(
    [...finalStage.matchAll(/^ENV ([A-Za-z_][A-Za-z0-9_]*)=(\S+)/gm)].map((m) => [m[1]!, m[2]!]),
  );
}

/** The container's environment as the kubelet builds it: image ENV, then envFrom in order, then env. */
function environmentOf(container: Container, fill: boolean): Record<string, string> {
  const env: Record<string, string> = imageEnv();
  for (const source of container.envFrom) {
    if (source.configMapRef) {
      const map = applied.find((d) => d.kind === 'ConfigMap' && d.metadata.name === source.configMapRef!.name);
      if (!map) throw new Error(`ConfigMap ${source.configMapRef.name} is not rendered`);
      Object.assign(env, map.data);
    } else {
      const secret = secrets.find((d) => d.metadata.name === source.secretRef!.name);
      if (!secret) throw new Error(`Secret ${source.secretRef!.name} is not in deploy/secret.example.yaml`);
      for (const [key, value] of Object.entries(secret.stringData as Record<string, string>))
        env[key] = fill && value === '' && FILLED[key] ? FILLED[key] : value;
    }
  }
  for (const v of container.env ?? [])
    env[v.name] = v.valueFrom ? FIELD_REFS[v.valueFrom.fieldRef.fieldPath]! : v.value!;
  return env;
}

const appOf = (container: Container) =>
  /dist\/apps\/(\w+)\/src\/main\.js$/.exec(container.command.at(-1)!)![1] as AppName;

describe('deploy/ Kubernetes manifests', () => {
  it('validates every rendered object against its Kubernetes or KEDA schema', () => {
    for (const doc of [...applied, ...secrets]) {
      try {
        validate(doc);
      } catch (error) {
        throw new Error(`${doc.kind} ${doc.metadata.name}: ${(error as Error).message}`, { cause: error });
      }
      if (doc.kind !== 'Namespace') expect(doc.metadata.namespace).toBe('verigate');
    }
    expect(
      ofKind('Deployment')
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(['captcha', 'gateway', 'notifier', 'sms', 'voice']);
    expect(new Set(applied.map((d) => d.kind))).toEqual(
      new Set(
        Object.keys(SCHEMAS)
          .map((k) => k.split('/').pop())
          .filter((k) => k !== 'Secret'),
      ),
    );
    // Real secrets are never in the applied set: `kubectl apply -f deploy/rendered/` must not overwrite them.
    expect(ofKind('Secret')).toEqual([]);
  });

  it('the validator refuses broken objects (wrong types, missing required fields)', () => {
    const gateway = ofKind('Deployment').find((d) => d.metadata.name === 'gateway')!;
    expect(() => validate(gateway)).not.toThrow();
    const badPort = clone(gateway);
    (podOf(badPort).spec.containers[0]!.ports[0] as { containerPort: unknown }).containerPort = 'http';
    expect(() => validate(badPort)).toThrow(/containerPort must be integer/);
    const noSelector = clone(gateway);
    delete (noSelector.spec as { selector?: unknown }).selector;
    expect(() => validate(noSelector)).toThrow(/selector/);
    const scaled = ofKind('ScaledObject')[0]!;
    expect(() => validate(scaled)).not.toThrow();
    const noTarget = clone(scaled);
    delete (noTarget.spec as { scaleTargetRef?: unknown }).scaleTargetRef;
    expect(() => validate(noTarget)).toThrow(/scaleTargetRef/);
    const badTrigger = clone(scaled);
    (badTrigger.spec as { triggers: { metadata: unknown }[] }).triggers[0]!.metadata = 'rabbitmq';
    expect(() => validate(badTrigger)).toThrow(/metadata/);
    expect(() => validate({ ...clone(gateway), kind: 'Deploymnt' })).toThrow(/no schema/);
  });

  it('is committed as rendered (npm run deploy:render writes deploy/rendered/)', () => {
    expect(staleFiles(root, files)).toEqual([]);
  });

  it("starts every app: each Deployment's environment passes its app's configuration loader", () => {
    for (const deployment of ofKind('Deployment')) {
      const pod = podOf(deployment);
      const container = pod.spec.containers[0]!;
      const app = appOf(container);
      expect(app).toBe(deployment.metadata.name);
      const env = environmentOf(container, true);
      expect(env.NODE_ENV).toBe('production');
      let config;
      try {
        config = loadConfig(env, { app });
      } catch (error) {
        throw new Error(`deployment ${app}: ${(error as Error).message}`, { cause: error });
      }
      expect(config.host).toBe('0.0.0.0');
      // Probes on the port the app answers /health on; readiness looks at PostgreSQL and RabbitMQ, liveness does not.
      const port = app === 'gateway' ? config.port : config.healthPort;
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/health', port });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/health/live', port });
      expect(container.startupProbe?.httpGet).toEqual({ path: '/health/live', port });
      expect(container.ports.map((p) => p.containerPort)).toContain(port);
      // The kubelet's SIGKILL comes after the app's own deadline, and the deadline after the drain.
      expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThan(config.shutdownTimeoutSeconds);
      expect(config.shutdownTimeoutSeconds).toBeGreaterThan(config.voice.shutdownGraceSeconds);
      if (app === 'gateway') expect(config.shutdownDrainMs).toBeLessThan(config.shutdownTimeoutSeconds * 1000);
      if (app === 'sms') expect(config.sms.provider).toBe('smpp');
      if (app === 'voice') {
        expect(config.voice.carrier).toBe('sip');
        expect(pod.spec.hostNetwork).toBe(true);
        expect(config.sip.publicAddress).toBe(FIELD_REFS['status.hostIP']);
        expect(container.ports).toContainEqual(
          expect.objectContaining({ containerPort: config.sip.localPort, protocol: 'UDP' }),
        );
      }
    }
  });

  it('refuses to start with the example Secrets left unfilled, naming the operator token and the master key', () => {
    for (const deployment of ofKind('Deployment')) {
      const container = podOf(deployment).spec.containers[0]!;
      expect(() => loadConfig(environmentOf(container, false), { app: appOf(container) })).toThrow(
        /VERIGATE_ADMIN_TOKEN is required[\s\S]*VERIGATE_MASTER_KEY is required/,
      );
    }
  });

  it('scales the gateway on CPU and every worker on the queues it consumes (KEDA rabbitmq), each with a disruption budget', () => {
    const topology = new Set([...WORK_QUEUES, ...RPC_QUEUES].map((q) => q.name));
    const consumed: Record<string, string[]> = {
      captcha: [CAPTCHA_RPC_QUEUE],
      sms: [Queues.smsSend],
      voice: [Queues.voiceCalls],
      notifier: [Queues.notifierCallEvents, Queues.notifierSmsEvents],
    };
    const hpa = ofKind('HorizontalPodAutoscaler');
    expect(hpa.map((h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name)).toEqual(['gateway']);
    expect(JSON.stringify(hpa[0]!.spec)).toContain('"name":"cpu"');
    for (const [worker, queues] of Object.entries(consumed)) {
      const scaled = ofKind('ScaledObject').find(
        (o) => (o.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === worker,
      );
      expect(scaled).toBeDefined();
      const triggers = (
        scaled!.spec as { triggers: { type: string; metadata: Record<string, string> }[] }
      ).triggers.filter((t) => t.type === 'rabbitmq');
      expect(triggers.map((t) => t.metadata.queueName).sort()).toEqual([...queues].sort());
      for (const trigger of triggers) {
        expect(topology.has(trigger.metadata.queueName!)).toBe(true);
        expect(trigger.metadata.mode).toBe('QueueLength');
      }
      if (worker === 'voice') {
        // Ready + unacknowledged messages are the calls a worker carries: scale before every port is taken.
        const voice = ofKind('Deployment').find((d) => d.metadata.name === 'voice')!;
        const ports = loadConfig(environmentOf(podOf(voice).spec.containers[0]!, true), { app: 'voice' }).voice.ports;
        expect(triggers[0]!.metadata.protocol).toBe('http');
        expect(Number(triggers[0]!.metadata.value)).toBeLessThan(ports);
      }
    }
    for (const deployment of ofKind('Deployment')) {
      const labels = podOf(deployment).metadata.labels;
      const budget = ofKind('PodDisruptionBudget').find((b) => b.metadata.name === deployment.metadata.name)!;
      const selector = (budget.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
      expect(Object.entries(selector).every(([k, v]) => labels[k] === v)).toBe(true);
    }
  });

  it('lets every app reach PostgreSQL and RabbitMQ, and the gateway be reached from the ingress controller only', () => {
    type Policy = {
      spec: {
        podSelector: { matchLabels: Record<string, string> };
        egress?: { ports?: { port: number }[] }[];
        ingress?: { ports?: { port: number }[] }[];
      };
    };
    const policies = ofKind('NetworkPolicy') as unknown as (Doc & Policy)[];
    const selects = (p: Policy, labels: Record<string, string>) =>
      Object.entries(p.spec.podSelector.matchLabels).every(([k, v]) => labels[k] === v);
    expect(policies.find((p) => p.metadata.name === 'default-deny')).toBeDefined();
    for (const deployment of ofKind('Deployment')) {
      const labels = podOf(deployment).metadata.labels;
      const egressPorts = policies
        .filter((p) => selects(p, labels))
        .flatMap((p) => p.spec.egress ?? [])
        .flatMap((rule) => rule.ports ?? [])
        .map((p) => p.port);
      expect(egressPorts).toEqual(expect.arrayContaining([5432, 5672, 53]));
    }
    const gatewayIngress = policies
      .filter((p) => p.spec.podSelector.matchLabels['app.kubernetes.io/name'] === 'gateway')
      .flatMap((p) => p.spec.ingress ?? []);
    expect(JSON.stringify(gatewayIngress)).toContain('ingress-nginx');
  });
});
