import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { RuntimeWrite } from './runtime-writes';

/** The in-cluster API server, as Argo CD names it. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

/** A resource kind an AppProject allows. */
export interface GroupKind {
  /** API group ('' for the core group). */
  readonly group: string;
  readonly kind: string;
}

/** Props of {@link ArgoCdProject}. */
export interface ArgoCdProjectProps {
  readonly name: string;
  /** Namespace of Argo CD. */
  readonly namespace: string;
  readonly description: string;
  /** The only repository Applications of this project may read. */
  readonly repoUrl: string;
  /** Namespaces of the in-cluster destination that objects may go to. */
  readonly destinationNamespaces: readonly string[];
  /** Argo CD cluster names the namespaces are allowed on, instead of the in-cluster API server. @default - in-cluster only */
  readonly destinationClusters?: readonly string[];
  /** Cluster-scoped kinds the project may manage (nothing else). */
  readonly clusterKinds: readonly GroupKind[];
  /** Namespaced kinds the project may manage (nothing else). */
  readonly namespacedKinds: readonly GroupKind[];
}

/**
 * An Argo CD AppProject restricted to one repository, the given in-cluster namespaces and the given
 * kinds. An empty whitelist would mean "no kinds", so each list must hold at least one kind.
 */
export class ArgoCdProject extends Construct {
  constructor(scope: Construct, id: string, props: ArgoCdProjectProps) {
    super(scope, id);
    if (props.destinationNamespaces.length === 0) throw new Error(`ArgoCdProject ${props.name}: destinationNamespaces must not be empty`);
    new ApiObject(this, 'resource', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: {
        name: props.name,
        namespace: props.namespace,
        // Before the Applications that use it (app-of-apps syncs).
        annotations: { 'argocd.argoproj.io/sync-wave': '-1' },
      },
      spec: {
        description: props.description,
        sourceRepos: [props.repoUrl],
        destinations: props.destinationClusters
          ? props.destinationClusters.flatMap((name) => props.destinationNamespaces.map((namespace) => ({ name, namespace })))
          : props.destinationNamespaces.map((namespace) => ({ server: IN_CLUSTER, namespace })),
        clusterResourceWhitelist: props.clusterKinds.map(groupKind),
        namespaceResourceWhitelist: props.namespacedKinds.map(groupKind),
      },
    });
  }
}

function groupKind(item: GroupKind): GroupKind {
  return { group: item.group, kind: item.kind };
}

/** Source of an {@link ArgoCdApplication}: a folder, or a Helm chart with values files. */
export type ArgoCdSource =
  | { readonly type: 'path'; readonly path: string }
  | { readonly type: 'helm'; readonly path: string; readonly releaseName: string; readonly valueFiles: readonly string[] };

/** Props of {@link ArgoCdApplication}. */
export interface ArgoCdApplicationProps {
  readonly name: string;
  /** Namespace of Argo CD. */
  readonly namespace: string;
  /** AppProject name. */
  readonly project: string;
  readonly repoUrl: string;
  /** Branch, tag or commit. */
  readonly targetRevision: string;
  readonly source: ArgoCdSource;
  /** Destination namespace on the in-cluster API server. */
  readonly destinationNamespace: string;
  /** Fields written at run time by controllers, ignored in diff and sync. */
  readonly runtimeWrites: readonly RuntimeWrite[];
  /** Let Argo CD create the destination namespace (the Helm source renders no Namespace). @default false */
  readonly createNamespace?: boolean;
}

/**
 * An Argo CD Application that syncs automatically. Sync options (Argo CD user guide, "Sync Options"):
 * - ServerSideApply=true: the CRDs are too large for client-side apply's last-applied annotation
 *   (262144-byte limit), and istiod's fields are not taken over.
 * - RespectIgnoreDifferences=true: the ignored fields are also left alone during sync, not only in the
 *   diff, so a sync never pushes back a caBundle or failurePolicy istiod wrote.
 * - PruneLast=true: removed objects are deleted after the rest is healthy.
 * Every rendered object carries its own sync wave (-2 namespace, -1 CRDs and base, 0 istiod, 1
 * gateways and addons), so one Application applies them in order.
 */
export class ArgoCdApplication extends Construct {
  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    const syncOptions = ['ServerSideApply=true', 'RespectIgnoreDifferences=true', 'PruneLast=true'];
    if (props.createNamespace) syncOptions.push('CreateNamespace=true');
    const source: Record<string, unknown> = { repoURL: props.repoUrl, targetRevision: props.targetRevision, path: props.source.path };
    if (props.source.type === 'helm') {
      // Argo CD runs `helm template` (no release). Value files are resolved relative to the chart
      // path and refused only when they resolve outside the repository root (Argo CD's value-file
      // path resolver, "resolved to outside repository root"), so ../../dist/helm-values/… works.
      source.helm = { releaseName: props.source.releaseName, valueFiles: [...props.source.valueFiles] };
    }
    new ApiObject(this, 'resource', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: props.name,
        namespace: props.namespace,
        annotations: { 'argocd.argoproj.io/sync-wave': '0' },
      },
      spec: {
        project: props.project,
        source,
        destination: { server: IN_CLUSTER, namespace: props.destinationNamespace },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions },
        ignoreDifferences: props.runtimeWrites.map((item) => ({
          group: item.group,
          kind: item.kind,
          name: item.name,
          jqPathExpressions: [...item.jqPaths],
        })),
      },
    });
  }
}

/** Props of {@link ArgoCdApplicationSet}. */
export interface ArgoCdApplicationSetProps {
  readonly name: string;
  /** Namespace of Argo CD. */
  readonly namespace: string;
  /** AppProject of the generated Applications. */
  readonly project: string;
  readonly repoUrl: string;
  readonly targetRevision: string;
  /** One element per cluster: `cluster` (the Argo CD cluster name), `path` (its folder in the repository), `namespace`. */
  readonly clusters: ReadonlyArray<{ readonly cluster: string; readonly path: string; readonly namespace: string }>;
  /** Fields written at run time by controllers, ignored in diff and sync (every cluster's). */
  readonly runtimeWrites: readonly RuntimeWrite[];
}

/**
 * An Argo CD ApplicationSet with a list generator: one automated Application `istio-<cluster>` per
 * cluster, syncing the cluster's folder to the cluster registered in Argo CD under that name
 * (`argocd cluster add <context> --name <cluster>`), with the sync options of {@link ArgoCdApplication}.
 * Go templates with missingkey=error: a typo in an element fails the generation instead of rendering "".
 */
export class ArgoCdApplicationSet extends Construct {
  constructor(scope: Construct, id: string, props: ArgoCdApplicationSetProps) {
    super(scope, id);
    if (props.clusters.length === 0) throw new Error(`ArgoCdApplicationSet ${props.name}: clusters must not be empty`);
    new ApiObject(this, 'resource', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [{ list: { elements: props.clusters.map((item) => ({ cluster: item.cluster, path: item.path, namespace: item.namespace })) } }],
        template: {
          metadata: { name: 'istio-{{.cluster}}', labels: { 'app.kubernetes.io/part-of': 'istio' } },
          spec: {
            project: props.project,
            source: { repoURL: props.repoUrl, targetRevision: props.targetRevision, path: '{{.path}}' },
            destination: { name: '{{.cluster}}', namespace: '{{.namespace}}' },
            syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true', 'RespectIgnoreDifferences=true', 'PruneLast=true'] },
            ignoreDifferences: props.runtimeWrites.map((item) => ({ group: item.group, kind: item.kind, name: item.name, jqPathExpressions: [...item.jqPaths] })),
          },
        },
      },
    });
  }
}
