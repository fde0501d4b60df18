import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import { GATEWAY_PORT, WORKER_HEALTH_PORT, type AppName } from './apps.js';
import { labels } from './configuration.js';
import type { DeploySettings, Peer } from './settings.js';

/**
 * Who talks to whom. Everything in the namespace is denied by default; then: the ingress
 * controller → gateway; Prometheus → every /metrics; every app → DNS, PostgreSQL, RabbitMQ; the
 * notifier → customers' webhooks (public addresses only); sms → the SMS centre; voice ↔ the SIP
 * trunk (signalling and RTP). The apps never call each other: the gateway reaches the captcha
 * worker through RabbitMQ (RPC queue), not over HTTP.
 */
export function networkPolicies(s: DeploySettings): NetworkPolicy[] {
  const policy = (name: string, app: AppName | null, spec: Omit<NetworkPolicy['spec'] & object, 'podSelector'>) =>
    new NetworkPolicy({
      metadata: { name, namespace: s.namespace, labels: labels() },
      spec: {
        podSelector: app
          ? { matchLabels: { 'app.kubernetes.io/name': app } }
          : { matchLabels: { 'app.kubernetes.io/part-of': 'verigate' } },
        ...spec,
      },
    });
  const namespaceNamed = (name: string): INetworkPolicyPeer => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
  });
  const tcp = (port: number): INetworkPolicyPort => ({ protocol: 'TCP', port });
  const udp = (port: number, endPort?: number): INetworkPolicyPort =>
    endPort ? { protocol: 'UDP', port, endPort } : { protocol: 'UDP', port };
  const monitoring = namespaceNamed(s.monitoringNamespace);
  const dataStores = [
    { to: [peer(s.postgres)], ports: [tcp(s.postgres.port)] },
    { to: [peer(s.rabbitmq)], ports: [tcp(s.rabbitmq.port)] },
  ];
  const dns = { to: [namespaceNamed('kube-system')], ports: [udp(53), tcp(53)] };
  const metricsFromMonitoring = { from: [monitoring], ports: [tcp(WORKER_HEALTH_PORT)] };

  return [
    policy('default-deny', null, { policyTypes: ['Ingress', 'Egress'] }),
    policy('apps-to-dns-postgres-rabbitmq', null, { policyTypes: ['Egress'], egress: [dns, ...dataStores] }),
    policy('gateway-ingress', 'gateway', {
      policyTypes: ['Ingress'],
      ingress: [{ from: [namespaceNamed(s.ingressNamespace), monitoring], ports: [tcp(GATEWAY_PORT)] }],
    }),
    policy('captcha-metrics', 'captcha', { policyTypes: ['Ingress'], ingress: [metricsFromMonitoring] }),
    policy('sms-metrics-and-centre', 'sms', {
      policyTypes: ['Ingress', 'Egress'],
      ingress: [metricsFromMonitoring],
      // SMPP (or the http provider's HTTPS endpoint) at the SMS centre.
      egress: [{ to: [{ ipBlock: { cidr: s.sms.centreCidr } }], ports: [tcp(s.sms.centrePort), tcp(443)] }],
    }),
    policy('notifier-metrics-and-webhooks', 'notifier', {
      policyTypes: ['Ingress', 'Egress'],
      ingress: [metricsFromMonitoring],
      // Customers' statusUrl / feeUrl / SMS status URLs: any public address and port. The notifier's
      // own address policy refuses private ones too (VERIGATE_WEBHOOK_ALLOW_PRIVATE=false).
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: s.webhookDeniedCidrs } }] }],
    }),
    // Host networking: most network plugins do not apply pod policies to such pods; this one states
    // the intent for those that do (e.g. Calico host endpoints) and for the node firewall.
    policy('voice-sip-rtp', 'voice', {
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [monitoring], ports: [tcp(s.voice.healthPort)] },
        {
          from: [{ ipBlock: { cidr: s.voice.trunkCidr } }],
          ports: [udp(s.voice.sipPort), udp(s.voice.rtpPortMin, s.voice.rtpPortMax)],
        },
      ],
      // SIP to the trunk and RTP to the media address its SDP names: the trunk's network, any UDP port.
      egress: [{ to: [{ ipBlock: { cidr: s.voice.trunkCidr } }], ports: [udp(1024, 65535)] }],
    }),
  ];
}

function peer(p: Peer): INetworkPolicyPeer {
  if (p.cidr) return { ipBlock: { cidr: p.cidr } };
  return {
    ...(p.namespace ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': p.namespace } } } : {}),
    podSelector: { matchLabels: p.podLabels ?? {} },
  };
}
