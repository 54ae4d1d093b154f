import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { main } from '../src/cli';
import { synthesize } from '../src/outputs/synth';
import { Workspace } from './support/workspace';
import { importEsm } from './support/import-esm';
import { kustomize } from './support/kustomize';
import { collectModels, ModelClass } from './support/model-classes';

/*
 * The Argo CD and Flux objects in dist/gitops/: validated against the published CRD schemas
 * (@kubernetes-models/argo-cd 4.0.0, @kubernetes-models/flux-cd 4.0.0, ESM-only: loaded with a real
 * dynamic import) and built with the real kustomize (`kubectl kustomize`).
 */

type Obj = Record<string, any>;

const key = (o: Obj) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const PROFILES_WITH_OBJECTS = ['ambient', 'default', 'demo', 'minimal', 'preview', 'remote'];

let workspace: Workspace;
let gitops: Record<string, string>;
let models: Map<string, ModelClass>;
beforeAll(async () => {
  workspace = new Workspace();
  synthesize({ root: workspace.root, gitops: { repoUrl: 'https://git.example.org/mesh/istio.git', branch: 'prod' } });
  gitops = workspace.snapshot('dist/gitops');
  models = new Map();
  collectModels(await importEsm('@kubernetes-models/argo-cd'), models);
  collectModels(await importEsm('@kubernetes-models/flux-cd'), models);
});
afterAll(() => workspace.cleanup());

function objectsOf(file: string): Obj[] {
  expect(gitops[file]).toBeDefined();
  return (yaml.loadAll(gitops[file]) as Obj[]).filter((doc) => doc);
}

describe('dist/gitops layout', () => {
  test('GIVEN a full synth THEN every profile with objects gets Argo CD and Flux files, and empty gets none', () => {
    const expected = ['flux/gitrepository.yaml'];
    for (const profile of PROFILES_WITH_OBJECTS) {
      expected.push(`argocd/${profile}/appproject.yaml`, `argocd/${profile}/chart.yaml`, `argocd/${profile}/manifests.yaml`);
      expected.push(`flux/${profile}/chart.yaml`, `flux/${profile}/helm/helmrelease.yaml`, `flux/${profile}/helm/kustomization.yaml`, `flux/${profile}/manifests.yaml`);
      for (const layer of ['crds', 'istiod', 'gateways']) {
        if (fs.existsSync(path.join(workspace.root, 'dist', 'gitops', 'flux', profile, layer))) expected.push(`flux/${profile}/${layer}/kustomization.yaml`);
      }
    }
    expect(Object.keys(gitops).sort()).toEqual(expected.sort());
    // Layers present where the profile has objects of them (default has a gateway, minimal none).
    expect(Object.keys(gitops).filter((file) => file.endsWith('/kustomization.yaml') && !file.includes('/helm/')).sort()).toEqual([
      'flux/ambient/crds/kustomization.yaml', 'flux/ambient/istiod/kustomization.yaml',
      'flux/default/crds/kustomization.yaml', 'flux/default/gateways/kustomization.yaml', 'flux/default/istiod/kustomization.yaml',
      'flux/demo/crds/kustomization.yaml', 'flux/demo/gateways/kustomization.yaml', 'flux/demo/istiod/kustomization.yaml',
      'flux/minimal/crds/kustomization.yaml', 'flux/minimal/istiod/kustomization.yaml',
      'flux/preview/crds/kustomization.yaml', 'flux/preview/gateways/kustomization.yaml', 'flux/preview/istiod/kustomization.yaml',
      'flux/remote/crds/kustomization.yaml', 'flux/remote/istiod/kustomization.yaml',
    ]);
  });

  test('no file holds an absolute path, and a second synth writes the same bytes', () => {
    for (const content of Object.values(gitops)) {
      expect(content).not.toContain(workspace.root);
      expect(content).not.toMatch(/(path|chart): \/|\s\/(tmp|home|work)\//);
    }
    synthesize({ root: workspace.root, gitops: { repoUrl: 'https://git.example.org/mesh/istio.git', branch: 'prod' } });
    expect(workspace.snapshot('dist/gitops')).toEqual(gitops);
  });
});

describe('every Argo CD and Flux object validates against its published schema', () => {
  test('GIVEN every generated object WHEN validated with @kubernetes-models THEN none fails', () => {
    const seen = new Set<string>();
    const failures: string[] = [];
    for (const [file, content] of Object.entries(gitops)) {
      for (const object of (yaml.loadAll(content) as Obj[]).filter((doc) => doc)) {
        if (object.apiVersion === 'kustomize.config.k8s.io/v1beta1') continue; // built by kustomize below
        const model = models.get(`${object.apiVersion} ${object.kind}`);
        seen.add(`${object.apiVersion} ${object.kind}`);
        if (!model) {
          failures.push(`${file}: no schema for ${object.apiVersion} ${object.kind}`);
          continue;
        }
        try {
          new model(object).validate();
        } catch (error) {
          failures.push(`${file}: ${(error as Error).message}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect([...seen].sort()).toEqual([
      'argoproj.io/v1alpha1 AppProject', 'argoproj.io/v1alpha1 Application',
      'helm.toolkit.fluxcd.io/v2 HelmRelease', 'kustomize.toolkit.fluxcd.io/v1 Kustomization', 'source.toolkit.fluxcd.io/v1 GitRepository',
    ]);
  });

  test('the schemas catch a mistake: an Application without destination and a Kustomization without prune are refused', () => {
    const application = objectsOf('argocd/default/manifests.yaml')[0];
    const broken = { ...application, spec: { ...application.spec, destination: undefined, source: { path: 'x' } } };
    expect(() => new (models.get('argoproj.io/v1alpha1 Application') as ModelClass)(broken).validate()).toThrow();
    const layer = objectsOf('flux/default/manifests.yaml')[0];
    const noPrune = { ...layer, spec: { ...layer.spec, prune: undefined } };
    expect(() => new (models.get('kustomize.toolkit.fluxcd.io/v1 Kustomization') as ModelClass)(noPrune).validate()).toThrow(/prune/);
  });
});

describe('Flux: CRDs, then istiod, then gateways and addons', () => {
  test.each(PROFILES_WITH_OBJECTS)('%s: the layers, built by kustomize in dependsOn order, are exactly dist/<profile> with CRDs before istiod before gateways', (profile) => {
    // GIVEN the Flux Kustomizations of the profile
    const layers = objectsOf(`flux/${profile}/manifests.yaml`);
    for (const layer of layers) expect(layer.spec).toMatchObject({ prune: true, wait: true, sourceRef: { kind: 'GitRepository', name: 'istio-pack' } });

    // WHEN they are put in the order their dependsOn allows (each may depend only on one already placed)
    const ordered: Obj[] = [];
    const pending = [...layers];
    while (pending.length > 0) {
      const next = pending.findIndex((layer) => (layer.spec.dependsOn ?? []).every((dep: Obj) => ordered.some((done) => done.metadata.name === dep.name)));
      expect(next).toBeGreaterThanOrEqual(0);
      ordered.push(...pending.splice(next, 1));
    }
    // and each layer folder is built as Flux builds it
    const built = ordered.map((layer) => kustomize(path.join(workspace.root, layer.spec.path), true));

    // THEN it is a chain: every layer waits for the one before
    ordered.forEach((layer, index) => {
      expect(layer.spec.dependsOn).toEqual(index === 0 ? undefined : [{ name: ordered[index - 1].metadata.name }]);
    });
    // and together the layers are exactly what `kubectl apply -k dist/<profile>` applies, each object once
    const all = built.flat();
    expect(all.map(key).sort()).toEqual(kustomize(path.join(workspace.root, 'dist', profile)).map(key).sort());
    // and the first layer holds every CRD and the namespace, istiod's layer the istiod Deployment,
    // and every gateway or addon Deployment comes in a later layer than istiod
    const layerOf = (predicate: (o: Obj) => boolean) => [...new Set(built.flatMap((objects, index) => objects.filter(predicate).map(() => index)))];
    expect(layerOf((o) => o.kind === 'CustomResourceDefinition' || o.kind === 'Namespace')).toEqual([0]);
    const istiodLayer = layerOf((o) => o.kind === 'Deployment' && o.metadata.name === 'istiod');
    if (istiodLayer.length > 0) expect(istiodLayer).toEqual([1]);
    const later = layerOf((o) => (o.kind === 'Deployment' || o.kind === 'DaemonSet') && !['istiod', 'istio-cni-node', 'ztunnel'].includes(o.metadata.name));
    for (const index of later) expect(index).toBe(2);
    expect(ordered.map((layer) => layer.metadata.name.replace(`istio-${profile}-`, ''))).toEqual(['crds', 'istiod', 'gateways'].slice(0, ordered.length));
  });

  test('demo: prometheus, grafana, jaeger, kiali and both gateways are in the gateways layer', () => {
    const deployments = kustomize(path.join(workspace.root, 'dist/gitops/flux/demo/gateways'), true)
      .filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name).sort();
    expect(deployments).toEqual(['grafana', 'istio-egressgateway', 'istio-ingressgateway', 'jaeger', 'kiali', 'prometheus']);
  });

  test('GitRepository follows the given repository and branch', () => {
    expect(objectsOf('flux/gitrepository.yaml')).toEqual([{
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'istio-pack', namespace: 'flux-system' },
      spec: { interval: '10m', url: 'https://git.example.org/mesh/istio.git', ref: { branch: 'prod' } },
    }]);
  });

  test('HelmRelease alternative: kustomize builds the release and a ConfigMap holding exactly dist/helm-values/<profile>.yaml', () => {
    // WHEN
    const objects = kustomize(path.join(workspace.root, 'dist/gitops/flux/default/helm'), true);

    // THEN
    const configMap = objects.find((o) => o.kind === 'ConfigMap') as Obj;
    const release = objects.find((o) => o.kind === 'HelmRelease') as Obj;
    expect(objects.map(key).sort()).toEqual(['ConfigMap/flux-system/istio-default-values', 'HelmRelease/flux-system/istio-default']);
    expect(configMap.data).toEqual({ 'values.yaml': fs.readFileSync(path.join(workspace.root, 'dist/helm-values/default.yaml'), 'utf8') });
    expect(release.spec.valuesFrom).toEqual([{ kind: 'ConfigMap', name: 'istio-default-values', valuesKey: 'values.yaml' }]);
    expect(release.spec.chart.spec).toEqual({ chart: './charts/istio', reconcileStrategy: 'Revision', sourceRef: { kind: 'GitRepository', name: 'istio-pack', namespace: 'flux-system' } });
    expect(fs.existsSync(path.join(workspace.root, release.spec.chart.spec.chart, 'Chart.yaml'))).toBe(true);
    expect(objectsOf('flux/default/chart.yaml')[0].spec.path).toBe('./dist/gitops/flux/default/helm');
  });
});

describe('Argo CD', () => {
  /** Kubernetes facts: these kinds are cluster-scoped; every other kind Istio renders is namespaced. */
  const CLUSTER_SCOPED = new Set(['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);
  const groupOf = (o: Obj) => (String(o.apiVersion).includes('/') ? String(o.apiVersion).split('/')[0] : '');

  test.each(PROFILES_WITH_OBJECTS)('%s: the AppProject allows exactly the kinds and namespaces dist/<profile> uses', (profile) => {
    // GIVEN what kustomize builds from dist/<profile>
    const objects = kustomize(path.join(workspace.root, 'dist', profile));
    const kinds = (scoped: boolean) => [...new Set(objects.filter((o) => CLUSTER_SCOPED.has(o.kind) === scoped).map((o) => `${groupOf(o)}/${o.kind}`))].sort();

    // WHEN
    const [project] = objectsOf(`argocd/${profile}/appproject.yaml`);

    // THEN
    const listed = (items: Obj[]) => items.map((item) => `${item.group}/${item.kind}`).sort();
    expect(listed(project.spec.clusterResourceWhitelist)).toEqual(kinds(true));
    expect(listed(project.spec.namespaceResourceWhitelist)).toEqual(kinds(false));
    const namespaces = [...new Set(objects.filter((o) => !CLUSTER_SCOPED.has(o.kind)).map((o) => o.metadata.namespace))].sort();
    expect(project.spec.destinations).toEqual(namespaces.map((namespace) => ({ namespace, server: 'https://kubernetes.default.svc' })));
    expect(project.spec.sourceRepos).toEqual(['https://git.example.org/mesh/istio.git']);
  });

  test('the dist Application syncs dist/<profile> server-side and ignores exactly what istiod writes', () => {
    const [application] = objectsOf('argocd/default/manifests.yaml');
    expect(application.spec.source).toEqual({ path: 'dist/default', repoURL: 'https://git.example.org/mesh/istio.git', targetRevision: 'prod' });
    expect(application.spec.syncPolicy.syncOptions).toEqual(['ServerSideApply=true', 'RespectIgnoreDifferences=true', 'PruneLast=true']);
    // Upstream Istio 1.30.3: istiod patches caBundle of the revision-labelled mutating webhook
    // configuration (istio-sidecar-injector), and caBundle and failurePolicy of the revision-labelled
    // validating ones (istio-validator-<ns> and istiod-default-validator).
    expect(application.spec.ignoreDifferences).toEqual([
      { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', name: 'istiod-default-validator', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle', '.webhooks[]?.failurePolicy'] },
      { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', name: 'istio-sidecar-injector', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] },
      { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', name: 'istio-validator-istio-system', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle', '.webhooks[]?.failurePolicy'] },
    ]);
    // Every webhook configuration of the profile is covered (none is missed when profiles change).
    const webhooks = kustomize(path.join(workspace.root, 'dist', 'default')).filter((o) => o.kind.endsWith('WebhookConfiguration')).map((o) => o.metadata.name).sort();
    expect(application.spec.ignoreDifferences.map((item: Obj) => item.name).sort()).toEqual(webhooks);
  });

  test('the chart Application reads the chart with the profile values file, which exists at that path', () => {
    const [application] = objectsOf('argocd/demo/chart.yaml');
    expect(application.spec.source).toEqual({
      path: 'charts/istio',
      repoURL: 'https://git.example.org/mesh/istio.git',
      targetRevision: 'prod',
      helm: { releaseName: 'istio', valueFiles: ['../../dist/helm-values/demo.yaml'] },
    });
    const valuesFile = path.join(workspace.root, application.spec.source.path, application.spec.source.helm.valueFiles[0]);
    expect(fs.existsSync(valuesFile)).toBe(true);
    // Argo CD refuses value files that resolve outside the repository root.
    expect(path.relative(workspace.root, valuesFile)).toBe(path.join('dist', 'helm-values', 'demo.yaml'));
    expect(application.spec.syncPolicy.syncOptions).toContain('CreateNamespace=true');
    expect(application.spec.ignoreDifferences).toEqual(objectsOf('argocd/demo/manifests.yaml')[0].spec.ignoreDifferences);
  });

  test('the Flux HelmRelease ignores the same fields as JSON pointers, one per webhook', () => {
    const [release] = objectsOf('flux/default/helm/helmrelease.yaml');
    const objects = kustomize(path.join(workspace.root, 'dist', 'default'));
    const expected = release.spec.driftDetection.ignore.map((rule: Obj) => {
      const object = objects.find((o) => o.kind === rule.target.kind && o.metadata.name === rule.target.name) as Obj;
      const fields = object.kind === 'MutatingWebhookConfiguration' ? ['clientConfig/caBundle'] : ['clientConfig/caBundle', 'failurePolicy'];
      return object.webhooks.flatMap((_: unknown, index: number) => fields.map((field) => `/webhooks/${index}/${field}`));
    });
    expect(release.spec.driftDetection.ignore.map((rule: Obj) => rule.paths)).toEqual(expected);
    expect(release.spec.driftDetection.ignore.map((rule: Obj) => rule.target.name)).toEqual(['istiod-default-validator', 'istio-sidecar-injector', 'istio-validator-istio-system']);
  });
});

describe('options', () => {
  test('a synth of one profile keeps the other profiles\' GitOps files', () => {
    synthesize({ root: workspace.root, profiles: ['minimal'], gitops: { repoUrl: 'https://git.example.org/mesh/istio.git', branch: 'prod' } });
    expect(workspace.snapshot('dist/gitops')).toEqual(gitops);
  });

  test('GIVEN a bad interval WHEN synthesising with the CLI THEN it names gitops.interval and writes nothing', () => {
    const other = new Workspace();
    const cwd = process.cwd();
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      process.chdir(other.root);
      expect(main(['synth', '-p', 'minimal', '--interval', 'ten minutes'], {})).toBe(1);
      expect(String(stderr.mock.calls[0][0])).toContain('gitops.interval: must be a Go duration such as 10m or 1h30m, got "ten minutes"');
      expect(other.entries()).toEqual([]);
    } finally {
      process.chdir(cwd);
      stderr.mockRestore();
      other.cleanup();
    }
  });

  test('CLI flags and ISTIO_PACK_REPO_URL reach the objects', () => {
    const other = new Workspace();
    const cwd = process.cwd();
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      process.chdir(other.root);
      expect(main(['synth', '-p', 'minimal', '--branch', 'release-1.30', '--interval', '1h', '--repo-dist-path', 'deploy/istio', '--repo-chart-path', 'deploy/chart'],
        { ISTIO_PACK_REPO_URL: 'ssh://git@git.example.org/mesh.git' })).toBe(0);
      const read = (file: string) => (yaml.loadAll(fs.readFileSync(path.join(other.root, 'dist/gitops', file), 'utf8')) as Obj[]).filter((doc) => doc);
      expect(read('flux/gitrepository.yaml')[0].spec).toEqual({ interval: '1h', url: 'ssh://git@git.example.org/mesh.git', ref: { branch: 'release-1.30' } });
      expect(read('flux/minimal/manifests.yaml')[0].spec.path).toBe('./deploy/istio/gitops/flux/minimal/crds');
      expect(read('argocd/minimal/chart.yaml')[0].spec.source.helm.valueFiles).toEqual(['../istio/helm-values/minimal.yaml']);
      expect(read('argocd/minimal/manifests.yaml')[0].spec.source.path).toBe('deploy/istio/minimal');
    } finally {
      process.chdir(cwd);
      stdout.mockRestore();
      other.cleanup();
    }
  });
});
