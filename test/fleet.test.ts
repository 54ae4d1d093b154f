import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { renderChart } from '../src/outputs/chart';
import { synthesize } from '../src/outputs/synth';
import { goDecode } from './support/go-yaml';
import { HELMS, writeChartFolder } from './support/helm';
import { ModelTable, loadIstioModels, validateKubernetesObject } from './support/kubernetes-schema';
import { objectKey } from './support/objects';
import { Workspace } from './support/workspace';
import { importEsm } from './support/import-esm';
import { kustomize } from './support/kustomize';
import { collectModels, ModelClass } from './support/model-classes';

/*
 * Fleets: clusters/<name>.yaml → dist/clusters/<name>/. Judged from the outside: upstream's multicluster
 * facts (samples/multicluster/gen-eastwest-gateway.sh, expose-services.yaml, expose-istiod.yaml),
 * the real `kubectl kustomize`, real Helm 3 and 4 (the chart with the cluster's values file renders
 * the cluster's folder), and the published Argo CD, Flux, Kubernetes and Istio schemas.
 */

type Obj = Record<string, any>;
const REPO_ROOT = path.join(__dirname, '..');
const EXAMPLE = ['east', 'edge', 'west'];

/** Writes cluster files into a fresh project root and synthesises only dist/. */
function fleetWorkspace(clusters: Record<string, unknown>): Workspace {
  const workspace = new Workspace();
  for (const [name, document] of Object.entries(clusters)) workspace.write(`clusters/${name}.yaml`, typeof document === 'string' ? document : yaml.dump(document));
  return workspace;
}

function synthDist(workspace: Workspace): void {
  synthesize({ root: workspace.root, outdir: path.join(workspace.root, 'dist') });
}

function objectsOf(folder: string): Obj[] {
  return kustomize(folder);
}

function find(objects: readonly Obj[], kind: string, name: string): Obj {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.map(objectKey).join(', ')}`);
  return found;
}

const env = (container: Obj) => Object.fromEntries((container.env ?? []).filter((item: Obj) => 'value' in item).map((item: Obj) => [item.name, item.value]));

describe('the example fleet in clusters/ (two primaries on two networks, one remote)', () => {
  let workspace: Workspace;
  let dist: string;
  let models: Map<string, ModelClass>;
  let istioModels: ModelTable;

  beforeAll(async () => {
    // GIVEN the repository's own example fleet, copied into a fresh project
    workspace = new Workspace();
    for (const name of EXAMPLE) workspace.write(`clusters/${name}.yaml`, fs.readFileSync(path.join(REPO_ROOT, 'clusters', `${name}.yaml`), 'utf8'));
    // WHEN it is synthesised
    synthesize({ root: workspace.root, outdir: path.join(workspace.root, 'dist'), gitops: { repoUrl: 'https://git.example.org/mesh/istio.git', branch: 'prod' } });
    dist = path.join(workspace.root, 'dist');
    models = new Map();
    collectModels(await importEsm('@kubernetes-models/argo-cd'), models);
    collectModels(await importEsm('@kubernetes-models/flux-cd'), models);
    istioModels = await loadIstioModels();
  });
  afterAll(() => workspace.cleanup());

  test('every cluster gets dist/clusters/<name>/, which kubectl kustomize builds and whose objects match the Kubernetes and Istio schemas', () => {
    expect(fs.readdirSync(path.join(dist, 'clusters')).sort()).toEqual(['argocd.yaml', ...EXAMPLE]);
    for (const name of EXAMPLE) {
      const objects = objectsOf(path.join(dist, 'clusters', name));
      expect(objects.length).toBeGreaterThan(10);
      const errors = objects.flatMap((object) => validateKubernetesObject(object, istioModels).map((error) => `${name}: ${objectKey(object)}: ${error}`));
      expect(errors).toEqual([]);
    }
  });

  test('mesh, cluster and network reach istiod and the proxies; the control-plane namespace carries its network label', () => {
    for (const [name, network] of [['east', 'network1'], ['west', 'network2']]) {
      const objects = objectsOf(path.join(dist, 'clusters', name));
      const istiod = find(objects, 'Deployment', 'istiod').spec.template.spec.containers[0];
      expect(env(istiod).CLUSTER_ID).toBe(name);
      const gateway = find(objects, 'Deployment', 'istio-eastwestgateway').spec.template.spec.containers[0];
      expect(env(gateway)).toMatchObject({ ISTIO_META_MESH_ID: 'mesh1', ISTIO_META_CLUSTER_ID: name, ISTIO_META_NETWORK: network });
      expect(find(objects, 'Namespace', 'istio-system').metadata.labels['topology.istio.io/network']).toBe(network);
      const injector = JSON.parse(find(objects, 'ConfigMap', 'istio-sidecar-injector').data.values);
      expect(injector.global).toMatchObject({ meshID: 'mesh1', network, multiCluster: { clusterName: name } });
    }
  });

  test('each cluster has the east-west gateway of gen-eastwest-gateway.sh and the cross-network Gateway of expose-services.yaml', () => {
    for (const [name, network] of [['east', 'network1'], ['west', 'network2'], ['edge', 'network1']]) {
      const objects = objectsOf(path.join(dist, 'clusters', name));
      const service = find(objects, 'Service', 'istio-eastwestgateway');
      // istiod finds a network's gateway by this label on its Service.
      expect(service.metadata.labels['topology.istio.io/network']).toBe(network);
      expect(service.spec.selector).toEqual({ app: 'istio-eastwestgateway', istio: 'eastwestgateway' });
      expect(service.spec.type).toBe('LoadBalancer');
      expect(service.spec.ports.map((port: Obj) => [port.name, port.port])).toEqual([['status-port', 15021], ['mtls', 15443], ['tcp-istiod', 15012], ['tcp-webhook', 15017]]);
      const deployment = find(objects, 'Deployment', 'istio-eastwestgateway');
      expect(deployment.spec.template.metadata.labels['topology.istio.io/network']).toBe(network);
      expect(env(deployment.spec.template.spec.containers[0])).toMatchObject({ ISTIO_META_REQUESTED_NETWORK_VIEW: network, ISTIO_META_ROUTER_MODE: 'sni-dnat' });
      const crossNetwork = find(objects, 'Gateway', 'cross-network-gateway');
      expect(crossNetwork.spec).toEqual({
        selector: { istio: 'eastwestgateway' },
        servers: [{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' }, hosts: ['*.local'] }],
      });
    }
    // The cluster's own eastWestGateway settings reach the Service.
    const east = objectsOf(path.join(dist, 'clusters', 'east'));
    expect(find(east, 'Service', 'istio-eastwestgateway').metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-type']).toBe('nlb');
  });

  test('the primary exposes istiod to its remote (expose-istiod.yaml); the other primary, without remotes, does not', () => {
    const east = objectsOf(path.join(dist, 'clusters', 'east'));
    expect(find(east, 'Gateway', 'istiod-gateway').spec.servers.map((server: Obj) => [server.port.number, server.tls.mode])).toEqual([[15012, 'PASSTHROUGH'], [15017, 'PASSTHROUGH']]);
    const routes = find(east, 'VirtualService', 'istiod-vs').spec.tls.map((route: Obj) => [route.match[0].port, route.route[0].destination.host, route.route[0].destination.port.number]);
    expect(routes).toEqual([[15012, 'istiod.istio-system.svc.cluster.local', 15012], [15017, 'istiod.istio-system.svc.cluster.local', 443]]);
    expect(env(find(east, 'Deployment', 'istiod').spec.template.spec.containers[0]).EXTERNAL_ISTIOD).toBe('true');
    const west = objectsOf(path.join(dist, 'clusters', 'west'));
    expect(west.filter((object) => ['istiod-gateway', 'istiod-vs'].includes(object.metadata.name))).toEqual([]);
    expect(env(find(west, 'Deployment', 'istiod').spec.template.spec.containers[0]).EXTERNAL_ISTIOD).toBeUndefined();
  });

  test('the remote runs no istiod; its injector webhook calls the primary\'s istiod at istiodAddress for its cluster and network', () => {
    const edge = objectsOf(path.join(dist, 'clusters', 'edge'));
    expect(edge.filter((object) => object.kind === 'Deployment').map((object) => object.metadata.name)).toEqual(['istio-eastwestgateway']);
    const webhook = find(edge, 'MutatingWebhookConfiguration', 'istio-sidecar-injector');
    const urls = new Set(webhook.webhooks.map((item: Obj) => item.clientConfig.url));
    expect([...urls]).toEqual(['https://eastwest.east.example.com:15017/inject/cluster/edge/net/network1']);
  });

  test('a primary whose profile has no ingress gateway (west: minimal) keeps Ingress handling off: the east-west gateway never serves Kubernetes Ingresses', () => {
    const west = objectsOf(path.join(dist, 'clusters', 'west'));
    expect(yaml.load(find(west, 'ConfigMap', 'istio').data.mesh)).toMatchObject({ ingressControllerMode: 'OFF' });
    expect(west.filter((object) => object.kind === 'Deployment').map((object) => object.metadata.name).sort()).toEqual(['istio-eastwestgateway', 'istiod']);
    const east = objectsOf(path.join(dist, 'clusters', 'east'));
    expect(yaml.load(find(east, 'ConfigMap', 'istio').data.mesh)).toMatchObject({ ingressControllerMode: 'STRICT', ingressService: 'istio-ingressgateway' });
  });

  test('the ApplicationSet lists every cluster with its folder; it and the AppProject match the Argo CD schemas', () => {
    const objects = (yaml.loadAll(fs.readFileSync(path.join(dist, 'clusters', 'argocd.yaml'), 'utf8')) as Obj[]).filter((doc) => doc);
    for (const object of objects) {
      const Model = models.get(`${object.apiVersion} ${object.kind}`);
      expect(Model).toBeDefined();
      expect(() => new Model!(object).validate()).not.toThrow();
    }
    const set = find(objects, 'ApplicationSet', 'istio-fleet');
    expect(set.spec.generators[0].list.elements).toEqual(EXAMPLE.map((name) => ({ cluster: name, path: `dist/clusters/${name}`, namespace: 'istio-system' })));
    expect(set.spec.template.spec.destination).toEqual({ name: '{{.cluster}}', namespace: '{{.namespace}}' });
    expect(set.spec.template.spec.source).toEqual({ repoURL: 'https://git.example.org/mesh/istio.git', targetRevision: 'prod', path: '{{.path}}' });
    expect(set.spec.template.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    // istiod's runtime writes are ignored, as for the profiles' Applications.
    expect(set.spec.template.spec.ignoreDifferences.map((item: Obj) => item.kind)).toEqual(expect.arrayContaining(['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']));
    const project = find(objects, 'AppProject', 'istio-fleet');
    expect(new Set(project.spec.destinations.map((item: Obj) => item.name))).toEqual(new Set(EXAMPLE));
    expect(project.spec.namespaceResourceWhitelist).toEqual(expect.arrayContaining([{ group: 'networking.istio.io', kind: 'Gateway' }, { group: 'networking.istio.io', kind: 'VirtualService' }]));
  });

  test('each cluster\'s Flux objects match the Flux schemas and apply its files in layers: crds, then istiod, then gateways', () => {
    for (const name of EXAMPLE) {
      const folder = path.join(dist, 'clusters', name);
      const sync = (yaml.loadAll(fs.readFileSync(path.join(folder, 'flux', 'sync.yaml'), 'utf8')) as Obj[]).filter((doc) => doc);
      for (const object of sync) {
        const Model = models.get(`${object.apiVersion} ${object.kind}`);
        expect(Model).toBeDefined();
        expect(() => new Model!(object).validate()).not.toThrow();
      }
      const kustomizations = sync.filter((object) => object.kind === 'Kustomization');
      expect(kustomizations.map((object) => [object.metadata.name, object.spec.dependsOn?.[0]?.name, object.spec.path])).toEqual([
        [`istio-${name}-crds`, undefined, `./dist/clusters/${name}/flux/crds`],
        [`istio-${name}-istiod`, `istio-${name}-crds`, `./dist/clusters/${name}/flux/istiod`],
        [`istio-${name}-gateways`, `istio-${name}-istiod`, `./dist/clusters/${name}/flux/gateways`],
      ]);
      // The layers, built by the real kustomize as Flux builds them, hold exactly the cluster's objects.
      const layers = ['crds', 'istiod', 'gateways'].map((layer) => kustomize(path.join(folder, 'flux', layer), true));
      expect(layers[0].map((object) => object.kind)).toEqual(expect.arrayContaining(['Namespace', 'CustomResourceDefinition']));
      expect(layers[2].map(objectKey)).toEqual(expect.arrayContaining(['Service/istio-system/istio-eastwestgateway', 'Gateway/istio-system/cross-network-gateway']));
      expect(layers.flat().map(objectKey).sort()).toEqual(objectsOf(folder).map(objectKey).sort());
    }
  });

  test.each(EXAMPLE)('the chart with dist/clusters/%s/helm/values.yaml renders the cluster\'s folder (Helm 3 and 4, read by Go)', async (name) => {
    const chartDir = path.join(workspace.root, 'chart');
    if (!fs.existsSync(chartDir)) writeChartFolder(chartDir, renderChart());
    const folder = path.join(dist, 'clusters', name);
    const synth = goDecode(objectsOf(folder).filter((object) => object.kind !== 'Namespace').map((object) => yaml.dump(object)).join('---\n')) as Obj[];
    const results = await Promise.all(HELMS.map((helm) => helm.templateAsync(chartDir, [path.join(folder, 'helm', 'values.yaml')])));
    for (const result of results) {
      if (!result.ok) throw new Error(result.error);
      const chart = (goDecode(result.text) as Obj[]).filter((doc) => doc !== null);
      const byKey = (objects: Obj[]) => new Map(objects.map((object) => [objectKey(object), object]));
      const [chartObjects, synthObjects] = [byKey(chart), byKey(synth)];
      expect([...chartObjects.keys()].sort()).toEqual([...synthObjects.keys()].sort());
      for (const [key, object] of synthObjects) expect([key, chartObjects.get(key)]).toEqual([key, object]);
    }
  });
});

test('the committed dist/clusters/ is what synth writes for the committed clusters/ (no stale output)', () => {
  const workspace = new Workspace();
  try {
    for (const name of EXAMPLE) workspace.write(`clusters/${name}.yaml`, fs.readFileSync(path.join(REPO_ROOT, 'clusters', `${name}.yaml`), 'utf8'));
    expect(fs.readdirSync(path.join(REPO_ROOT, 'clusters')).sort()).toEqual(EXAMPLE.map((name) => `${name}.yaml`));
    synthDist(workspace);
    const committed = new Workspace();
    try {
      fs.cpSync(path.join(REPO_ROOT, 'dist', 'clusters'), path.join(committed.root, 'clusters'), { recursive: true });
      expect(committed.snapshot('clusters')).toEqual(workspace.snapshot('dist/clusters'));
    } finally {
      committed.cleanup();
    }
  } finally {
    workspace.cleanup();
  }
});

describe('topologies istio.io documents', () => {
  test('multi-primary on one network: no east-west gateway, no exposure; each cluster keeps its own name in the mesh', () => {
    // GIVEN two primaries without a network
    const workspace = fleetWorkspace({ one: { meshID: 'm' }, two: { meshID: 'm', clusterName: 'cluster-2' } });
    try {
      // WHEN
      synthDist(workspace);
      // THEN
      const two = objectsOf(path.join(workspace.root, 'dist', 'clusters', 'two'));
      expect(two.filter((object) => object.metadata.name.includes('eastwest') || object.kind === 'Gateway')).toEqual([]);
      expect(env(find(two, 'Deployment', 'istiod').spec.template.spec.containers[0]).CLUSTER_ID).toBe('cluster-2');
      expect(find(two, 'Namespace', 'istio-system').metadata.labels['topology.istio.io/network']).toBeUndefined();
    } finally {
      workspace.cleanup();
    }
  });

  test('primary-remote on one network: the primary exposes istiod through its east-west gateway, nothing crosses networks', () => {
    const workspace = fleetWorkspace({
      main: { meshID: 'm' },
      spoke: { meshID: 'm', role: 'remote', primary: 'main', istiodAddress: '198.51.100.7' },
    });
    try {
      synthDist(workspace);
      const main = objectsOf(path.join(workspace.root, 'dist', 'clusters', 'main'));
      expect(find(main, 'Gateway', 'istiod-gateway')).toBeDefined();
      expect(main.find((object) => object.metadata.name === 'cross-network-gateway')).toBeUndefined();
      // Not a network gateway: no network label for istiod to pick it up by.
      expect(find(main, 'Service', 'istio-eastwestgateway').metadata.labels['topology.istio.io/network']).toBeUndefined();
      const spoke = objectsOf(path.join(workspace.root, 'dist', 'clusters', 'spoke'));
      expect(spoke.filter((object) => object.kind === 'Deployment')).toEqual([]);
      const webhook = find(spoke, 'MutatingWebhookConfiguration', 'istio-sidecar-injector');
      expect(webhook.webhooks[0].clientConfig.url).toBe('https://198.51.100.7:15017/inject/cluster/spoke');
    } finally {
      workspace.cleanup();
    }
  });
});

describe('a fleet that does not hold together is refused, naming the file and key, and nothing is written', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['two clusters with one clusterName in a mesh', { a: { meshID: 'm', clusterName: 'x' }, b: { meshID: 'm', clusterName: 'x' } }, /clusters\/b\.yaml: clusterName: "x" is also the clusterName of clusters\/a\.yaml in mesh m/],
    ['a remote whose primary does not exist', { r: { meshID: 'm', role: 'remote', primary: 'nope', istiodAddress: 'istiod.example.com' } }, /clusters\/r\.yaml: primary: must name a cluster file of the fleet \(r\), got "nope"/],
    ['a remote whose primary is a remote', {
      p: { meshID: 'm' },
      r1: { meshID: 'm', role: 'remote', primary: 'p', istiodAddress: 'a.example.com' },
      r2: { meshID: 'm', role: 'remote', primary: 'r1', istiodAddress: 'a.example.com' },
    }, /clusters\/r2\.yaml: primary: r1 is a remote/],
    ['a remote of a primary in another mesh', { p: { meshID: 'm1' }, r: { meshID: 'm2', role: 'remote', primary: 'p', istiodAddress: 'a.example.com' } }, /clusters\/r\.yaml: primary: p is in mesh m1, not m2/],
    ['a remote without istiodAddress', { p: { meshID: 'm' }, r: { meshID: 'm', role: 'remote', primary: 'p' } }, /clusters\/r\.yaml: istiodAddress: is required for a remote/],
    ['a primary naming a primary', { p: { meshID: 'm', primary: 'q' } }, /clusters\/p\.yaml: primary: only a remote names a primary/],
    ['a mesh where only some clusters name their network', { a: { meshID: 'm', network: 'n1' }, b: { meshID: 'm' } }, /clusters\/b\.yaml: network: every cluster of mesh m must name its network once one does \(clusters\/a\.yaml names n1\)/],
    ['an east-west gateway for another network than its cluster\'s', {
      a: { meshID: 'm', network: 'n1', values: { gateways: { ingress: [{ gatewayName: 'ingressgateway' }, { gatewayName: 'other', network: 'n2' }] } } },
    }, /clusters\/a\.yaml: values\.gateways\.ingress\[1\]\.network: must be the cluster's network "n1" \(an east-west gateway serves its own network only\), got "n2"/],
    ['mesh settings given twice, in values', { a: { meshID: 'm', values: { global: { network: 'n9' } } } }, /clusters\/a\.yaml: values\.global\.network: set by the cluster file's network: key/],
    ['an unknown key', { a: { meshID: 'm', netwrok: 'n1' } }, /clusters\/a\.yaml: netwrok: unknown key/],
    ['no meshID', { a: { network: 'n1' } }, /clusters\/a\.yaml: meshID: is required/],
    ['a bad role', { a: { meshID: 'm', role: 'secondary' } }, /clusters\/a\.yaml: role: must be primary or remote, got "secondary"/],
    ['a primary with the remote profile', { a: { meshID: 'm', profile: 'remote' } }, /clusters\/a\.yaml: profile: remote makes a remote cluster \(remote\.enabled\); a primary runs its own istiod/],
    ['an unknown profile', { a: { meshID: 'm', profile: 'nope' } }, /clusters\/a\.yaml: profile: must name a built-in or user profile, got "nope"/],
    ['invalid values', { a: { meshID: 'm', values: { istiod: { replicaCount: 0 } } } }, /clusters\/a\.yaml: invalid values[\s\S]*istiod\.replicaCount: must be 1-100, got 0/],
  ];

  test.each(cases)('%s', (_title, clusters, message) => {
    // GIVEN a synthesised project whose fleet is then broken
    const workspace = fleetWorkspace({ ok: { meshID: 'fine' } });
    try {
      synthDist(workspace);
      const before = workspace.snapshot('dist');
      fs.rmSync(path.join(workspace.root, 'clusters'), { recursive: true });
      for (const [name, document] of Object.entries(clusters)) workspace.write(`clusters/${name}.yaml`, yaml.dump(document));
      // WHEN / THEN
      expect(() => synthDist(workspace)).toThrow(message);
      expect(workspace.snapshot('dist')).toEqual(before);
    } finally {
      workspace.cleanup();
    }
  });

  test('a cluster file name that is not a DNS label', () => {
    const workspace = fleetWorkspace({ Bad_Name: { meshID: 'm' } });
    try {
      expect(() => synthDist(workspace)).toThrow(/clusters\/Bad_Name\.yaml: cluster file names must be DNS-1123 labels/);
      expect(fs.existsSync(path.join(workspace.root, 'dist'))).toBe(false);
    } finally {
      workspace.cleanup();
    }
  });
});

describe('re-synthesising a fleet rewrites only what changed', () => {
  /** Relative path → [content, mtime in ns] of every file below `folder`. */
  function state(folder: string): Map<string, [string, bigint]> {
    const result = new Map<string, [string, bigint]>();
    const walk = (relative: string) => {
      for (const entry of fs.readdirSync(path.join(folder, relative), { withFileTypes: true })) {
        const child = path.join(relative, entry.name);
        if (entry.isDirectory()) walk(child);
        else result.set(child, [fs.readFileSync(path.join(folder, child), 'utf8'), fs.statSync(path.join(folder, child), { bigint: true }).mtimeNs]);
      }
    };
    walk('');
    return result;
  }

  test('one cluster changed: the other clusters\' files keep their bytes and their mtime; the changed one is rewritten', async () => {
    // GIVEN a synthesised fleet of three clusters
    const workspace = fleetWorkspace({ a: { meshID: 'm' }, b: { meshID: 'm' }, c: { meshID: 'm' } });
    try {
      synthDist(workspace);
      const clusters = path.join(workspace.root, 'dist', 'clusters');
      const before = state(clusters);
      await new Promise((resolve) => setTimeout(resolve, 20));

      // WHEN cluster b changes and the fleet is synthesised again
      workspace.write('clusters/b.yaml', yaml.dump({ meshID: 'm', values: { istiod: { env: { PILOT_ENABLE_STATUS: 'true' } } } }));
      synthDist(workspace);

      // THEN a and c (and the unchanged files of b) are untouched; b's istiod.yaml and values are new
      const after = state(clusters);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      const changed = [...after.entries()].filter(([file, [content, mtime]]) => content !== before.get(file)![0] || mtime !== before.get(file)![1]).map(([file]) => file).sort();
      expect(changed).toEqual(['b/helm/values.yaml', 'b/istiod.yaml']);
      for (const file of changed) expect(after.get(file)![0]).not.toBe(before.get(file)![0]);
      // No staging folder is left behind, and the marker still lists the folder.
      expect(fs.readdirSync(clusters).filter((name) => name.startsWith('.'))).toEqual([]);
      expect(fs.readFileSync(path.join(workspace.root, 'dist', '.istio-pack'), 'utf8')).toContain('  - clusters');
    } finally {
      workspace.cleanup();
    }
  });

  test('a cluster removed from the fleet loses its folder; with -p the fleet is left as it is; without clusters/ the folder goes', () => {
    const workspace = fleetWorkspace({ a: { meshID: 'm' }, b: { meshID: 'm' } });
    try {
      synthDist(workspace);
      fs.rmSync(path.join(workspace.root, 'clusters', 'b.yaml'));
      synthDist(workspace);
      const clusters = path.join(workspace.root, 'dist', 'clusters');
      expect(fs.readdirSync(clusters).sort()).toEqual(['a', 'argocd.yaml']);

      const before = workspace.snapshot('dist/clusters');
      synthesize({ root: workspace.root, outdir: path.join(workspace.root, 'dist'), profiles: ['minimal'] });
      expect(workspace.snapshot('dist/clusters')).toEqual(before);

      fs.rmSync(path.join(workspace.root, 'clusters'), { recursive: true });
      synthDist(workspace);
      expect(fs.existsSync(clusters)).toBe(false);
    } finally {
      workspace.cleanup();
    }
  });

  test('a file istio-pack did not write inside a cluster folder is removed like any stale output (the folder is istio-pack\'s)', () => {
    const workspace = fleetWorkspace({ a: { meshID: 'm' } });
    try {
      synthDist(workspace);
      workspace.write('dist/clusters/a/stray.yaml', 'kind: Stray\n');
      synthDist(workspace);
      expect(fs.existsSync(path.join(workspace.root, 'dist', 'clusters', 'a', 'stray.yaml'))).toBe(false);
    } finally {
      workspace.cleanup();
    }
  });
});
