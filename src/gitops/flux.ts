import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { RuntimeWrite } from './runtime-writes';

/** Props of {@link FluxGitRepository}. */
export interface FluxGitRepositoryProps {
  readonly name: string;
  readonly namespace: string;
  readonly url: string;
  readonly branch: string;
  /** How often Flux fetches the branch (Go duration). */
  readonly interval: string;
}

/** A Flux GitRepository (source.toolkit.fluxcd.io/v1) following one branch. */
export class FluxGitRepository extends Construct {
  constructor(scope: Construct, id: string, props: FluxGitRepositoryProps) {
    super(scope, id);
    new ApiObject(this, 'resource', {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: props.name, namespace: props.namespace },
      spec: { interval: props.interval, url: props.url, ref: { branch: props.branch } },
    });
  }
}

/** Props of {@link FluxKustomization}. */
export interface FluxKustomizationProps {
  readonly name: string;
  readonly namespace: string;
  /** GitRepository name (same namespace). */
  readonly source: string;
  /** Folder inside the repository, `./`-prefixed. */
  readonly path: string;
  readonly interval: string;
  /** Kustomizations (same namespace) that must be Ready first. @default [] */
  readonly dependsOn?: readonly string[];
}

/**
 * A Flux Kustomization (kustomize.toolkit.fluxcd.io/v1) that prunes what leaves Git and, with
 * `wait: true`, is Ready only once every object it applied is healthy (kstatus): a Kustomization that
 * depends on it starts only then. Flux applies server-side and owns only the fields in Git, so
 * istiod's caBundle and failurePolicy writes are not reverted.
 */
export class FluxKustomization extends Construct {
  constructor(scope: Construct, id: string, props: FluxKustomizationProps) {
    super(scope, id);
    if (!props.path.startsWith('./')) throw new Error(`FluxKustomization ${props.name}: path must start with "./", got ${JSON.stringify(props.path)}`);
    const spec: Record<string, unknown> = {
      interval: props.interval,
      retryInterval: '1m',
      timeout: '5m',
      sourceRef: { kind: 'GitRepository', name: props.source },
      path: props.path,
      prune: true,
      wait: true,
    };
    if (props.dependsOn && props.dependsOn.length > 0) spec.dependsOn = props.dependsOn.map((name) => ({ name }));
    new ApiObject(this, 'resource', {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: props.name, namespace: props.namespace },
      spec,
    });
  }
}

/** Props of {@link FluxHelmRelease}. */
export interface FluxHelmReleaseProps {
  readonly name: string;
  readonly namespace: string;
  /** GitRepository holding the chart (same namespace). */
  readonly source: string;
  /** Chart folder inside the repository, `./`-prefixed. */
  readonly chartPath: string;
  readonly releaseName: string;
  readonly targetNamespace: string;
  readonly interval: string;
  /** ConfigMap (same namespace) whose `values.yaml` key holds the values. */
  readonly valuesConfigMap: string;
  /** Fields written at run time by controllers, ignored by drift detection. */
  readonly runtimeWrites: readonly RuntimeWrite[];
}

/** Key of the values ConfigMap that holds the Helm values file. */
export const VALUES_KEY = 'values.yaml';

/**
 * A Flux HelmRelease (helm.toolkit.fluxcd.io/v2) of the chart in the GitRepository, values from a
 * ConfigMap. `reconcileStrategy: Revision`: a new commit is a new chart even though Chart.yaml's
 * version stays. Drift detection corrects changes made in the cluster except istiod's own writes.
 */
export class FluxHelmRelease extends Construct {
  constructor(scope: Construct, id: string, props: FluxHelmReleaseProps) {
    super(scope, id);
    new ApiObject(this, 'resource', {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        interval: props.interval,
        releaseName: props.releaseName,
        targetNamespace: props.targetNamespace,
        storageNamespace: props.targetNamespace,
        chart: {
          spec: {
            chart: props.chartPath,
            reconcileStrategy: 'Revision',
            sourceRef: { kind: 'GitRepository', name: props.source, namespace: props.namespace },
          },
        },
        install: { createNamespace: true },
        valuesFrom: [{ kind: 'ConfigMap', name: props.valuesConfigMap, valuesKey: VALUES_KEY }],
        driftDetection: {
          mode: 'enabled',
          ignore: props.runtimeWrites.map((item) => ({
            paths: [...item.jsonPointers],
            target: { group: item.group, kind: item.kind, name: item.name },
          })),
        },
      },
    });
  }
}
