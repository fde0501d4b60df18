import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Service } from 'kubernetes-models/v1/Service';
import type { IContainerPort } from 'kubernetes-models/v1/ContainerPort';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { brokerQueueName, GATEWAY_PORT, SHARED_CONFIG, SHARED_SECRET, type AppSpec } from './apps.js';
import { KEDA_TRIGGER_AUTH, labels, shutdownTimeoutSeconds } from './configuration.js';
import type { DeploySettings } from './settings.js';

/** SIGKILL comes this long after the apps' own deadline, as in docker-compose.yml (30 s + 10 s). */
const KILL_MARGIN_SECONDS = 10;
/** The image's `node` user (node:22-bookworm-slim). */
const NODE_UID = 1000;

const selector = (app: string) => ({ 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': 'verigate' });

export function deployment(s: DeploySettings, app: AppSpec): Deployment {
  const voice = app.name === 'voice';
  const env: IEnvVar[] = Object.entries(app.env).map(([name, value]) => ({ name, value }));
  if (voice) {
    // Host networking: the node's address is the one the trunk sends SIP and RTP to. Behind NAT,
    // replace this with the public address (docs/deploy.md "Voice: SIP and RTP").
    env.push({ name: 'VERIGATE_SIP_PUBLIC_ADDRESS', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } });
  }
  const ports: IContainerPort[] = [
    { name: app.name === 'gateway' ? 'http' : 'health', containerPort: app.port, protocol: 'TCP' },
  ];
  if (voice) {
    // hostPort makes the scheduler keep two voice pods off one node; RTP (VERIGATE_RTP_PORT_MIN..MAX,
    // UDP) is not listed: a range cannot be declared, host networking opens it as it is.
    for (const p of ports) p.hostPort = p.containerPort;
    ports.push({ name: 'sip', containerPort: s.voice.sipPort, hostPort: s.voice.sipPort, protocol: 'UDP' });
  }
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: app.port },
    periodSeconds,
    timeoutSeconds: 3,
    failureThreshold,
  });
  const podSpec: IPodSpec = {
    automountServiceAccountToken: false,
    terminationGracePeriodSeconds: shutdownTimeoutSeconds(s) + KILL_MARGIN_SECONDS,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: NODE_UID,
      runAsGroup: NODE_UID,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        name: app.name,
        image: s.image,
        command: app.command,
        ports,
        envFrom: [SHARED_CONFIG]
          .map((name) => ({ configMapRef: { name } }))
          .concat([SHARED_SECRET, ...app.extraSecrets].map((name) => ({ secretRef: { name } })) as never[]),
        env,
        resources: {
          requests: { cpu: app.resources.cpu, memory: app.resources.memory },
          limits: { memory: app.resources.memoryLimit },
        },
        // Readiness: PostgreSQL and RabbitMQ answer and the app is not stopping (503 from SIGTERM on).
        // The gateway rides out 30 s of it: it keeps accepting through the outbox while RabbitMQ is
        // away, and answers its own error codes while PostgreSQL is; out of the Service, clients
        // would get the ingress controller's bare 503 instead. A deleted pod leaves the Service at
        // once whatever its probe says (then VERIGATE_SHUTDOWN_DRAIN_MS covers the propagation).
        readinessProbe: probe('/health', 5, app.name === 'gateway' ? 6 : 2),
        // Liveness does not look at PostgreSQL or RabbitMQ: an outage must not restart every pod.
        livenessProbe: probe('/health/live', 10, 3),
        // Migrations run at start (advisory-locked, every app): up to 5 minutes before liveness counts.
        startupProbe: probe('/health/live', 5, 60),
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      },
    ],
    volumes: [{ name: 'tmp', emptyDir: {} }],
  };
  if (voice) {
    podSpec.hostNetwork = true;
    podSpec.dnsPolicy = 'ClusterFirstWithHostNet';
    podSpec.nodeSelector = s.voice.nodeSelector;
    podSpec.affinity = {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: selector(app.name) }, topologyKey: 'kubernetes.io/hostname' },
        ],
      },
    };
  } else {
    podSpec.topologySpreadConstraints = [
      {
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: selector(app.name) },
      },
    ];
  }
  return new Deployment({
    metadata: { name: app.name, namespace: s.namespace, labels: labels(app.name) },
    spec: {
      // No `replicas`: the autoscaler owns it, and `kubectl apply` must not reset it.
      selector: { matchLabels: selector(app.name) },
      // Start the new pod, wait for its readiness, then stop an old one (docs/operations.md, rolling
      // restart). Voice pods hold host ports: one node each, so an old one goes first.
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: voice ? { maxSurge: 0, maxUnavailable: 1 } : { maxSurge: 1, maxUnavailable: 0 },
      },
      template: {
        metadata: {
          labels: labels(app.name),
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(app.port),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: podSpec,
      },
    },
  });
}

/** At most one pod of each app away at a time for node drains; two replicas minimum keep one working. */
export function disruptionBudget(s: DeploySettings, app: AppSpec): PodDisruptionBudget {
  return new PodDisruptionBudget({
    metadata: { name: app.name, namespace: s.namespace, labels: labels(app.name) },
    spec: { maxUnavailable: 1, selector: { matchLabels: selector(app.name) } },
  });
}

export function gatewayAutoscaler(s: DeploySettings, app: AppSpec): HorizontalPodAutoscaler {
  if (app.scaling.kind !== 'cpu') throw new Error(`${app.name} does not scale on CPU`);
  return new HorizontalPodAutoscaler({
    metadata: { name: app.name, namespace: s.namespace, labels: labels(app.name) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: app.name },
      minReplicas: app.scaling.minReplicas,
      maxReplicas: app.scaling.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: app.scaling.cpuUtilization } },
        },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    },
  });
}

/** KEDA's RabbitMQ scaler on the worker's queues (the largest wins), and CPU where drawing or sending costs it. */
export function workerScaledObject(s: DeploySettings, app: AppSpec): ScaledObject {
  if (app.scaling.kind !== 'queue') throw new Error(`${app.name} does not scale on a queue`);
  const scaling = app.scaling;
  const triggers = scaling.queues.map((queue) => ({
    type: 'rabbitmq',
    name: queue.replace(/[^a-z0-9-]/g, '-'),
    // The management API (http) counts ready and unacknowledged messages: a worker's work in hand
    // is load too (for voice, its calls in progress; docs/deploy.md "What scales how").
    metadata: {
      protocol: 'http',
      mode: 'QueueLength',
      excludeUnacknowledged: 'false',
      value: String(scaling.messagesPerReplica),
      queueName: brokerQueueName(s, queue),
      vhostName: '/',
    },
    authenticationRef: { name: KEDA_TRIGGER_AUTH },
  }));
  const cpu =
    scaling.cpuUtilization === undefined
      ? []
      : [{ type: 'cpu', metricType: 'Utilization', metadata: { value: String(scaling.cpuUtilization) } }];
  return new ScaledObject({
    metadata: { name: app.name, namespace: s.namespace, labels: labels(app.name) },
    spec: {
      scaleTargetRef: { name: app.name },
      minReplicaCount: scaling.minReplicas,
      maxReplicaCount: scaling.maxReplicas,
      pollingInterval: 15,
      cooldownPeriod: 300,
      advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 300 } } } },
      triggers: [...triggers, ...cpu],
    },
  });
}

export function gatewayService(s: DeploySettings): Service {
  return new Service({
    metadata: { name: 'gateway', namespace: s.namespace, labels: labels('gateway') },
    spec: {
      type: 'ClusterIP',
      selector: selector('gateway'),
      ports: [{ name: 'http', port: 80, targetPort: GATEWAY_PORT, protocol: 'TCP' }],
    },
  });
}

export function gatewayIngress(s: DeploySettings): Ingress {
  return new Ingress({
    metadata: { name: 'gateway', namespace: s.namespace, labels: labels('gateway') },
    spec: {
      ingressClassName: s.ingressClassName,
      rules: [
        {
          host: s.gatewayHost,
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: { service: { name: 'gateway', port: { name: 'http' } } } },
            ],
          },
        },
      ],
    },
  });
}
