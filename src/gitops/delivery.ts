import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { ArgoCdApplication, ArgoCdProject, GroupKind } from './argocd';
import { DeliveredProfile, KubeObject, SYNC_WAVE_ANNOTATION, allObjects, apiGroup } from './delivered-profile';
import { FluxGitRepository, FluxHelmRelease, FluxKustomization, VALUES_KEY } from './flux';
import { ResolvedGitOpsOptions } from './gitops-options';
import { runtimeWrites } from './runtime-writes';

/** The Flux layers, in dependency order, and the sync waves each takes (see src/profiles/installation.ts). */
export const FLUX_LAYERS = [
  { name: 'crds', description: 'namespace, CRDs and cluster-wide base', accepts: (wave: number) => wave < 0 },
  { name: 'istiod', description: 'istiod and the node agents (istio-cni, ztunnel)', accepts: (wave: number) => wave === 0 },
  { name: 'gateways', description: 'gateways and addons', accepts: (wave: number) => wave > 0 },
] as const;

/** Name of the Flux GitRepository every Flux object reads from. */
export const FLUX_SOURCE = 'istio-pack';

/** Helm release name, as the README's `helm upgrade --install istio charts/istio` uses. */
const RELEASE_NAME = 'istio';

/** Folder of the manifests output that holds the GitOps objects (a reserved profile name). */
export const GITOPS_FOLDER = 'gitops';

/** One generated file: objects, and the kubectl/kustomize-facing comment above them. */
export interface GitOpsFile {
  readonly comment: string;
  readonly objects: readonly KubeObject[];
}

/**
 * The Argo CD and Flux objects for `profiles`, as paths relative to dist/gitops/ → file. Profiles
 * that render no object (e.g. `empty`) get none. Paths inside kustomizations are relative to the
 * manifests folder, so they hold wherever dist/ sits; paths in the Git objects come from `options`.
 */
export function renderGitOps(profiles: readonly DeliveredProfile[], options: ResolvedGitOpsOptions): Map<string, GitOpsFile> {
  const files = new Map<string, GitOpsFile>();
  const app = new App({ outdir: 'unused' });
  const delivered = profiles.filter((profile) => allObjects(profile).length > 0);
  if (delivered.length === 0) return files;

  const source = chart(app, 'flux-source');
  new FluxGitRepository(source, 'repository', { name: FLUX_SOURCE, namespace: options.fluxNamespace, url: options.repoUrl, branch: options.branch, interval: options.interval });
  files.set('flux/gitrepository.yaml', { comment: 'Flux source of every file below; apply it first.', objects: source.toJson() });

  for (const profile of delivered) {
    for (const [file, content] of argoCdFiles(app, profile, options)) files.set(`argocd/${profile.name}/${file}`, content);
    for (const [file, content] of fluxFiles(app, profile, options)) files.set(`flux/${profile.name}/${file}`, content);
  }
  return new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

function chart(app: App, id: string): Chart {
  return new Chart(app, id, { disableResourceNameHashes: true });
}

function argoCdFiles(app: App, profile: DeliveredProfile, options: ResolvedGitOpsOptions): Map<string, GitOpsFile> {
  const objects = allObjects(profile);
  const project = `istio-${profile.name}`;
  const writes = runtimeWrites(profile);
  const projectChart = chart(app, `argocd-${profile.name}-project`);
  new ArgoCdProject(projectChart, 'project', {
    name: project,
    namespace: options.argocdNamespace,
    description: `Istio profile ${profile.name} from istio-pack: only the namespaces and kinds its objects use.`,
    repoUrl: options.repoUrl,
    destinationNamespaces: destinationNamespaces(profile),
    clusterKinds: kinds(objects.filter((object) => !isNamespaced(object))),
    namespacedKinds: kinds(objects.filter(isNamespaced)),
  });

  const manifests = chart(app, `argocd-${profile.name}-manifests`);
  new ArgoCdApplication(manifests, 'application', {
    name: `istio-${profile.name}`,
    namespace: options.argocdNamespace,
    project,
    repoUrl: options.repoUrl,
    targetRevision: options.branch,
    source: { type: 'path', path: path.posix.join(options.distPath, profile.name) },
    destinationNamespace: profile.istioNamespace,
    runtimeWrites: writes,
  });

  const helm = chart(app, `argocd-${profile.name}-chart`);
  new ArgoCdApplication(helm, 'application', {
    name: `istio-${profile.name}-chart`,
    namespace: options.argocdNamespace,
    project,
    repoUrl: options.repoUrl,
    targetRevision: options.branch,
    source: {
      type: 'helm',
      path: options.chartPath,
      releaseName: RELEASE_NAME,
      valueFiles: [path.posix.relative(options.chartPath, path.posix.join(options.distPath, 'helm-values', `${profile.name}.yaml`))],
    },
    destinationNamespace: profile.istioNamespace,
    runtimeWrites: writes,
    createNamespace: true,
  });

  const alternative = 'Use manifests.yaml (dist/ folder) or chart.yaml (Helm chart), not both: they manage the same objects.';
  return new Map([
    ['appproject.yaml', { comment: `Argo CD project of profile ${profile.name}; apply before an Application.`, objects: projectChart.toJson() }],
    ['chart.yaml', { comment: `Argo CD Application of the chart with dist/helm-values/${profile.name}.yaml. ${alternative}`, objects: helm.toJson() }],
    ['manifests.yaml', { comment: `Argo CD Application of dist/${profile.name}/. ${alternative}`, objects: manifests.toJson() }],
  ]);
}

function fluxFiles(app: App, profile: DeliveredProfile, options: ResolvedGitOpsOptions): Map<string, GitOpsFile> {
  const files = new Map<string, GitOpsFile>();
  // From dist/gitops/flux/<profile>/<layer>/ back to dist/.
  const toDist = '../../../..';
  const inRepo = (...parts: string[]) => `./${path.posix.join(options.distPath, GITOPS_FOLDER, 'flux', profile.name, ...parts)}`;
  const layered = chart(app, `flux-${profile.name}-manifests`);
  let previous: string | undefined;
  for (const layer of FLUX_LAYERS) {
    const manifestFiles = [...profile.manifests.entries()].filter(([, objects]) => layer.accepts(layerWave(profile, objects)));
    if (manifestFiles.length === 0) continue;
    const name = `istio-${profile.name}-${layer.name}`;
    new FluxKustomization(layered, layer.name, {
      name,
      namespace: options.fluxNamespace,
      source: FLUX_SOURCE,
      path: inRepo(layer.name),
      interval: options.interval,
      dependsOn: previous ? [previous] : [],
    });
    previous = name;
    files.set(`${layer.name}/kustomization.yaml`, {
      comment: `Flux layer ${layer.name} of profile ${profile.name}: ${layer.description}. Refers to dist/${profile.name}/ (Flux builds with load restrictions off).`,
      objects: [{
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: manifestFiles.map(([file]) => `${toDist}/${profile.name}/${file}`),
      }],
    });
  }
  files.set('manifests.yaml', { comment: `Flux Kustomizations of dist/${profile.name}/, one per layer, each waiting for the one before. Use it or chart.yaml, not both.`, objects: layered.toJson() });

  const valuesConfigMap = `istio-${profile.name}-values`;
  const release = chart(app, `flux-${profile.name}-release`);
  new FluxHelmRelease(release, 'release', {
    name: `istio-${profile.name}`,
    namespace: options.fluxNamespace,
    source: FLUX_SOURCE,
    chartPath: `./${options.chartPath}`,
    releaseName: RELEASE_NAME,
    targetNamespace: profile.istioNamespace,
    interval: options.interval,
    valuesConfigMap,
    runtimeWrites: runtimeWrites(profile),
  });
  files.set('helm/helmrelease.yaml', { comment: `Flux HelmRelease of the chart for profile ${profile.name}.`, objects: release.toJson() });
  files.set('helm/kustomization.yaml', {
    comment: `The HelmRelease and its values ConfigMap, generated from dist/helm-values/${profile.name}.yaml.`,
    objects: [{
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['helmrelease.yaml'],
      configMapGenerator: [{
        name: valuesConfigMap,
        namespace: options.fluxNamespace,
        files: [`${VALUES_KEY}=${toDist}/helm-values/${profile.name}.yaml`],
      }],
      // A fixed name, so the HelmRelease's valuesFrom finds it; the label asks helm-controller to
      // reconcile when the ConfigMap changes.
      generatorOptions: { disableNameSuffixHash: true, labels: { 'reconcile.fluxcd.io/watch': 'Enabled' } },
    }],
  });
  const helmKustomization = chart(app, `flux-${profile.name}-chart`);
  new FluxKustomization(helmKustomization, 'chart', {
    name: `istio-${profile.name}-chart`,
    namespace: options.fluxNamespace,
    source: FLUX_SOURCE,
    path: inRepo('helm'),
    interval: options.interval,
  });
  files.set('chart.yaml', { comment: `Flux Kustomization applying helm/ (HelmRelease of the chart). Use it or manifests.yaml, not both.`, objects: helmKustomization.toJson() });
  return files;
}

/** The sync wave of a manifest file's objects (all of one file share it). */
export function layerWave(profile: DeliveredProfile, objects: readonly KubeObject[]): number {
  const waves = new Set(objects.map((object) => object.metadata?.annotations?.[SYNC_WAVE_ANNOTATION]));
  if (waves.size !== 1 || [...waves][0] === undefined) {
    throw new Error(`profile ${profile.name}: every object of a manifest file must carry one ${SYNC_WAVE_ANNOTATION}, got ${JSON.stringify([...waves])}`);
  }
  return Number([...waves][0]);
}

/** Namespaced objects carry metadata.namespace in dist/ (every namespaced object is rendered with one). */
export function isNamespaced(object: KubeObject): boolean {
  return typeof object.metadata?.namespace === 'string';
}

export function destinationNamespaces(profile: DeliveredProfile): string[] {
  const namespaces = new Set<string>([profile.istioNamespace]);
  for (const object of allObjects(profile)) if (isNamespaced(object)) namespaces.add(object.metadata.namespace);
  return [...namespaces].sort();
}

/** Distinct group/kind pairs of `objects`, sorted by group then kind. */
export function kinds(objects: readonly KubeObject[]): GroupKind[] {
  const seen = new Map<string, GroupKind>();
  for (const object of objects) seen.set(`${apiGroup(object)}/${object.kind}`, { group: apiGroup(object), kind: object.kind });
  return [...seen.values()].sort((a, b) => a.group.localeCompare(b.group) || a.kind.localeCompare(b.kind));
}
