import { appSpecs } from './apps.js';
import { exampleSecrets, kedaTriggerAuthentication, namespace, sharedConfigMap } from './configuration.js';
import { networkPolicies } from './network-policies.js';
import type { DeploySettings } from './settings.js';
import {
  deployment,
  disruptionBudget,
  gatewayAutoscaler,
  gatewayIngress,
  gatewayService,
  workerScaledObject,
} from './workloads.js';

/** A Kubernetes object as kubernetes-models builds it: validated against its API schema by validate(). */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
  validate(): void;
  toJSON(): unknown;
}

/** One file of deploy/rendered/ (applied in file-name order by `kubectl apply -f`: the namespace first). */
export interface ManifestFile {
  file: string;
  objects: KubernetesObject[];
}

export function renderedManifests(s: DeploySettings): ManifestFile[] {
  const apps = appSpecs(s);
  return [
    { file: '00-namespace.yaml', objects: [namespace(s)] },
    { file: '01-config.yaml', objects: [sharedConfigMap(s), kedaTriggerAuthentication(s)] },
    ...apps.map((app, index) => ({
      file: `${String(10 + index)}-${app.name}.yaml`,
      objects:
        app.scaling.kind === 'cpu'
          ? [
              deployment(s, app),
              gatewayService(s),
              gatewayIngress(s),
              disruptionBudget(s, app),
              gatewayAutoscaler(s, app),
            ]
          : [deployment(s, app), disruptionBudget(s, app), workerScaledObject(s, app)],
    })),
    { file: '20-network-policies.yaml', objects: networkPolicies(s) },
  ];
}

/** The Secrets with empty values, for the operator to fill in (deploy/secret.example.yaml; never applied as is). */
export function secretExample(s: DeploySettings): ManifestFile {
  return { file: 'secret.example.yaml', objects: exampleSecrets(s) };
}
