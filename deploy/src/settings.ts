/**
 * What differs between one Kubernetes installation and another: edit these values, then
 * `npm run deploy:render` writes deploy/rendered/ again (docs/deploy.md). Everything secret lives in
 * the Secrets of deploy/secret.example.yaml, never here.
 */
export interface DeploySettings {
  namespace: string;
  /** The image built from the repository's Dockerfile (one image, five commands). */
  image: string;
  /** The public host name of the gateway (Ingress rule). */
  gatewayHost: string;
  ingressClassName: string;
  /** Namespace of the ingress controller: the only source the gateway's NetworkPolicy admits on its HTTP port. */
  ingressNamespace: string;
  /** Namespace of Prometheus: admitted to every app's /metrics port. */
  monitoringNamespace: string;
  /** Namespace of KEDA's operator (it reads queue depths from RabbitMQ, not from the pods). */
  kedaNamespace: string;
  /** Addresses of the ingress controller's pods, whose X-Forwarded-For the gateway believes (VERIGATE_TRUSTED_PROXIES). */
  trustedProxies: string;
  /** PostgreSQL and RabbitMQ as the apps' NetworkPolicies reach them (pods of this namespace, or CIDRs outside the cluster). */
  postgres: Peer & { port: number };
  rabbitmq: Peer & { port: number; managementPort: number };
  /** Prefix of every exchange and queue (VERIGATE_AMQP_NAMESPACE); KEDA's triggers name the queues with it. */
  amqpNamespace: string;
  /** The country code of national mobiles (VERIGATE_SMPP_DEST_PREFIX): every app reads it. */
  smsCountryCode: string;
  sms: { provider: 'smpp' | 'http'; centreCidr: string; centrePort: number; sourceAddr: string; maxReplicas: number };
  voice: {
    /** `sip:host[:port]` of the trunk; UDP. */
    trunk: string;
    /** Where the trunk and the callees' media live: SIP and RTP are admitted from / sent to these. */
    trunkCidr: string;
    sipPort: number;
    rtpPortMin: number;
    rtpPortMax: number;
    /** Concurrent calls per worker (VERIGATE_VOICE_PORTS): also the scaler's unit. */
    ports: number;
    /** /health and /metrics port on the node (host networking): clear of the node's own services. */
    healthPort: number;
    /** Label of the nodes reserved for voice workers (one per node: host networking). */
    nodeSelector: Record<string, string>;
    maxReplicas: number;
  };
  /** VERIGATE_SHUTDOWN_GRACE_S: live calls get this long on SIGTERM; every app's deadline follows from it. */
  shutdownGraceSeconds: number;
  /** Address ranges a webhook may never reach (private networks, cloud metadata), beside the notifier's own address policy. */
  webhookDeniedCidrs: string[];
}

export interface Peer {
  /** In-cluster peer: pods with these labels in this namespace; or `cidr` for a peer outside the cluster. */
  namespace?: string;
  podLabels?: Record<string, string>;
  cidr?: string;
}

export const settings: DeploySettings = {
  namespace: 'verigate',
  image: 'registry.example.com/verigate:0.1.0',
  gatewayHost: 'verigate.example.com',
  ingressClassName: 'nginx',
  ingressNamespace: 'ingress-nginx',
  monitoringNamespace: 'monitoring',
  kedaNamespace: 'keda',
  trustedProxies: '10.244.0.0/16',
  postgres: { namespace: 'verigate', podLabels: { 'app.kubernetes.io/name': 'postgresql' }, port: 5432 },
  rabbitmq: {
    namespace: 'verigate',
    podLabels: { 'app.kubernetes.io/name': 'rabbitmq' },
    port: 5672,
    managementPort: 15672,
  },
  amqpNamespace: '',
  smsCountryCode: '86',
  sms: { provider: 'smpp', centreCidr: '198.51.100.0/24', centrePort: 2775, sourceAddr: '', maxReplicas: 4 },
  voice: {
    trunk: 'sip:trunk.example.com:5060',
    trunkCidr: '203.0.113.0/24',
    sipPort: 5060,
    rtpPortMin: 10000,
    rtpPortMax: 10799,
    ports: 200,
    healthPort: 9113,
    nodeSelector: { 'verigate.example.com/voice': 'true' },
    maxReplicas: 10,
  },
  shutdownGraceSeconds: 10,
  webhookDeniedCidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'],
};
