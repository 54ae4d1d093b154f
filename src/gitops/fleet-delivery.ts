import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { ArgoCdApplicationSet, ArgoCdProject, GroupKind } from './argocd';
import { DeliveredProfile, allObjects } from './delivered-profile';
import { FLUX_LAYERS, GitOpsFile, destinationNamespaces, isNamespaced, kinds, layerWave } from './delivery';
import { FluxGitRepository, FluxKustomization } from './flux';
import { ResolvedGitOpsOptions } from './gitops-options';
import { RuntimeWrite, runtimeWrites } from './runtime-writes';

/** Folder of the manifests output that holds the fleet's clusters (a reserved profile name). */
export const CLUSTERS_FOLDER = 'clusters';

/** Folder inside dist/clusters/<cluster>/ with the Flux objects that cluster's Flux applies. */
export const CLUSTER_FLUX_FOLDER = 'flux';

/**
 * Argo CD objects of a fleet, relative to dist/clusters/: `argocd.yaml` with an AppProject (only the
 * fleet's clusters, namespaces and kinds) and an ApplicationSet whose list generator has one element
 * per cluster. Argo CD runs once and deploys to every cluster registered with it.
 */
export function fleetArgoCdFile(clusters: readonly FleetClusterSummary[], options: ResolvedGitOpsOptions): GitOpsFile {
  const app = new App({ outdir: 'unused' });
  const chart = new Chart(app, 'fleet', { disableResourceNameHashes: true });
  const namespaces = [...new Set(clusters.flatMap((cluster) => cluster.namespaces))].sort();
  const union = (pick: (cluster: FleetClusterSummary) => readonly GroupKind[]) => {
    const seen = new Map<string, GroupKind>();
    for (const item of clusters.flatMap(pick)) seen.set(`${item.group}/${item.kind}`, item);
    return [...seen.values()].sort((a, b) => a.group.localeCompare(b.group) || a.kind.localeCompare(b.kind));
  };
  new ArgoCdProject(chart, 'project', {
    name: 'istio-fleet',
    namespace: options.argocdNamespace,
    description: 'Istio fleet from istio-pack: only the fleet\'s clusters, and the namespaces and kinds its objects use.',
    repoUrl: options.repoUrl,
    destinationNamespaces: namespaces,
    destinationClusters: clusters.map((cluster) => cluster.name),
    clusterKinds: union((cluster) => cluster.clusterKinds),
    namespacedKinds: union((cluster) => cluster.namespacedKinds),
  });
  new ArgoCdApplicationSet(chart, 'applicationset', {
    name: 'istio-fleet',
    namespace: options.argocdNamespace,
    project: 'istio-fleet',
    repoUrl: options.repoUrl,
    targetRevision: options.branch,
    clusters: clusters.map((cluster) => ({ cluster: cluster.name, path: path.posix.join(options.distPath, CLUSTERS_FOLDER, cluster.name), namespace: cluster.istioNamespace })),
    runtimeWrites: unionOfWrites(clusters.flatMap((cluster) => cluster.runtimeWrites)),
  });
  return { comment: 'Argo CD AppProject and ApplicationSet of the fleet: one Application per cluster (register each with `argocd cluster add <context> --name <cluster>`).', objects: chart.toJson() };
}

/**
 * What the fleet's Argo CD objects need of one cluster: a few names and kinds, so that a fleet of
 * hundreds of clusters is rendered one cluster at a time without keeping every cluster's objects.
 */
export interface FleetClusterSummary {
  readonly name: string;
  readonly istioNamespace: string;
  readonly namespaces: readonly string[];
  readonly clusterKinds: readonly GroupKind[];
  readonly namespacedKinds: readonly GroupKind[];
  readonly runtimeWrites: readonly RuntimeWrite[];
}

/** The summary of a rendered cluster. */
export function summarizeCluster(cluster: DeliveredProfile): FleetClusterSummary {
  const objects = allObjects(cluster);
  return {
    name: cluster.name,
    istioNamespace: cluster.istioNamespace,
    namespaces: destinationNamespaces(cluster),
    clusterKinds: kinds(objects.filter((object) => !isNamespaced(object))),
    namespacedKinds: kinds(objects.filter(isNamespaced)),
    runtimeWrites: runtimeWrites(cluster),
  };
}

/**
 * Flux objects of one cluster, relative to its folder dist/clusters/<cluster>/: `flux/sync.yaml` (a
 * GitRepository and one Kustomization per layer, crds → istiod → gateways, each waiting for the one
 * before) and `flux/<layer>/kustomization.yaml` listing the cluster's files of that layer. Flux runs in
 * every cluster (`flux bootstrap` per cluster) and applies only its own folder.
 */
export function clusterFluxFiles(cluster: DeliveredProfile, options: ResolvedGitOpsOptions): Map<string, GitOpsFile> {
  const files = new Map<string, GitOpsFile>();
  const app = new App({ outdir: 'unused' });
  const chart = new Chart(app, 'flux', { disableResourceNameHashes: true });
  const source = `istio-${cluster.name}`;
  new FluxGitRepository(chart, 'repository', { name: source, namespace: options.fluxNamespace, url: options.repoUrl, branch: options.branch, interval: options.interval });
  let previous: string | undefined;
  for (const layer of FLUX_LAYERS) {
    const manifestFiles = [...cluster.manifests.entries()].filter(([, objects]) => layer.accepts(layerWave(cluster, objects)));
    if (manifestFiles.length === 0) continue;
    const name = `istio-${cluster.name}-${layer.name}`;
    new FluxKustomization(chart, layer.name, {
      name,
      namespace: options.fluxNamespace,
      source,
      path: `./${path.posix.join(options.distPath, CLUSTERS_FOLDER, cluster.name, CLUSTER_FLUX_FOLDER, layer.name)}`,
      interval: options.interval,
      dependsOn: previous ? [previous] : [],
    });
    previous = name;
    files.set(`${CLUSTER_FLUX_FOLDER}/${layer.name}/kustomization.yaml`, {
      comment: `Flux layer ${layer.name} of cluster ${cluster.name}: ${layer.description}. Refers to the cluster's files (Flux builds with load restrictions off).`,
      objects: [{ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: manifestFiles.map(([file]) => `../../${file}`) }],
    });
  }
  files.set(`${CLUSTER_FLUX_FOLDER}/sync.yaml`, { comment: `Flux source and layered Kustomizations of cluster ${cluster.name}: apply in that cluster's flux-system.`, objects: chart.toJson() });
  return files;
}

/** The same runtime write listed once (clusters share most objects). */
function unionOfWrites(writes: readonly RuntimeWrite[]): RuntimeWrite[] {
  const seen = new Map<string, RuntimeWrite>();
  for (const write of writes) seen.set(JSON.stringify(write), write);
  return [...seen.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, write]) => write);
}
