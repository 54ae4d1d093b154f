import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { aggregateCidrs, formatCidr, inferServiceRange, parseCidr } from '../src/cluster/cidrs';
import { runClusterCommand } from '../src/cluster/commands';
import { diffObjects, diffReport } from '../src/cluster/diff';
import { KubeClient } from '../src/cluster/kube-client';
import { readValuesFiles } from '../src/outputs/inputs';
import { renderProfile } from '../src/outputs/render-profile';
import { builtinProfile } from '../src/profiles/builtin-profiles';
import { fromKubernetesYamlStream } from '../src/values/kubernetes-yaml';
import { RecordedApiServer, Route, closedPort, kubeconfigYaml } from './support/recorded-api-server';
import { Workspace } from './support/workspace';
import { importEsm } from './support/import-esm';

/*
 * inspect and diff against recorded Kubernetes API responses served on 127.0.0.1 (plain HTTP; no API
 * server can run here). The fixtures in test/fixtures/cluster/ have the shape of real 1.32/1.33
 * responses: discovery, /version, NodeList, ServiceCIDRList, DeploymentList, webhook lists, Status
 * errors and server-side apply dry-run results.
 */

const ISTIO_DEPLOYMENTS = 'GET /apis/apps/v1/namespaces/istio-system/deployments';
const INJECTOR_WEBHOOKS = 'GET /apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations';

const SCENARIOS: Record<string, Record<string, Route>> = {
  /** kubeadm 1.33, dual-stack, ServiceCIDR v1 served; istioctl 1.29.3 installed (default tag). */
  kubeadm: {
    'GET /version': 'version-1.33',
    'GET /apis': 'apis-1.33',
    'GET /api/v1/nodes': 'nodes-kubeadm-1.33',
    'GET /apis/networking.k8s.io/v1': 'networking-v1-resources-1.33',
    'GET /apis/networking.k8s.io/v1/servicecidrs': 'servicecidrs-1.33',
    [ISTIO_DEPLOYMENTS]: 'deployments-istioctl-1.29.3',
    [INJECTOR_WEBHOOKS]: 'webhooks-istioctl-1.29.3',
  },
  /** GKE 1.32: no ServiceCIDR API; no Istio. */
  gke: {
    'GET /version': 'version-1.32-gke',
    'GET /apis': 'apis-1.32-gke',
    'GET /api/v1/nodes': 'nodes-gke-1.32',
    'GET /apis/networking.k8s.io/v1': 'networking-v1-resources-1.32',
    'GET /api/v1/namespaces/default/services/kubernetes': 'service-kubernetes-gke',
    [ISTIO_DEPLOYMENTS]: 'deployments-empty',
    [INJECTOR_WEBHOOKS]: 'webhooks-empty',
  },
  /** EKS 1.32 with the AWS VPC CNI: nodes have no podCIDRs. */
  eks: {
    'GET /version': 'version-1.32-eks',
    'GET /apis': 'apis-1.32-eks',
    'GET /api/v1/nodes': 'nodes-eks-1.32',
    'GET /apis/networking.k8s.io/v1': 'networking-v1-resources-1.32',
    'GET /api/v1/namespaces/default/services/kubernetes': 'service-kubernetes-eks',
    [ISTIO_DEPLOYMENTS]: 'deployments-empty',
    [INJECTOR_WEBHOOKS]: 'webhooks-empty',
  },
  /** OpenShift 4.19 (Kubernetes 1.32) with a Helm-installed istiod revision 1-30-3 tagged prod-stable. */
  openshift: {
    'GET /version': 'version-openshift-4.19',
    'GET /apis': 'apis-openshift-4.19',
    'GET /api/v1/nodes': 'nodes-openshift-4.19',
    'GET /apis/networking.k8s.io/v1': 'networking-v1-resources-1.32',
    'GET /api/v1/namespaces/default/services/kubernetes': 'service-kubernetes-openshift',
    [ISTIO_DEPLOYMENTS]: 'deployments-helm-1.30.3-revisioned',
    [INJECTOR_WEBHOOKS]: 'webhooks-helm-1.30.3-revisioned',
  },
};

let workspace: Workspace;
const servers: RecordedApiServer[] = [];

beforeEach(() => {
  workspace = new Workspace();
});
afterEach(async () => {
  workspace.cleanup();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(routes: Record<string, Route>): Promise<RecordedApiServer> {
  const server = await RecordedApiServer.start(routes);
  servers.push(server);
  return server;
}

/** Runs a cluster command with a kubeconfig whose current context is the server; captures output. */
async function run(argv: string[], contexts: Array<{ name: string; server: string; caPem?: string }>, env: NodeJS.ProcessEnv = {}) {
  const kubeconfig = workspace.write('kubeconfig', kubeconfigYaml(contexts));
  const out: string[] = [];
  const err: string[] = [];
  const code = await runClusterCommand(argv, { HOME: workspace.root, KUBECONFIG: kubeconfig, ...env }, { stdout: (text) => out.push(text), stderr: (text) => err.push(text) }, workspace.root);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

async function inspectScenario(name: string) {
  const server = await serve(SCENARIOS[name]);
  const result = await run(['inspect', '-o', 'values.yaml'], [{ name, server: server.url }]);
  const file = path.join(workspace.root, 'values.yaml');
  return { server, ...result, file, values: fs.existsSync(file) ? fromKubernetesYamlStream(fs.readFileSync(file, 'utf8'))[0] as any : undefined };
}

/** The values file goes through synth's own reading and validation, with the profile it names. */
function synthValidates(file: string, profile: string): void {
  const userValues = readValuesFiles([file]);
  renderProfile(builtinProfile(profile)!, { userValues });
}

describe('istio-pack inspect', () => {
  test('GIVEN kubeadm 1.33 dual-stack with ServiceCIDRs and istioctl 1.29.3 WHEN inspected THEN a canary revision and exact Pod + Service ranges', async () => {
    const { code, stdout, stderr, values, file, server } = await inspectScenario('kubeadm');

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(values).toEqual({
      global: { revision: '1-30-3', createNamespace: false },
      trafficCapture: { includeIPRanges: ['10.96.0.0/12', '10.244.0.0/23', '10.244.2.0/24', 'fd00:10:96::/112', 'fd00:10:244::/63', 'fd00:10:244:2::/64'] },
      base: { enabled: false },
    });
    expect(fs.readFileSync(file, 'utf8')).toContain('# Use with: istio-pack synth -p minimal -f <this file>');
    expect(stdout).toContain('from the ServiceCIDR objects (networking.k8s.io/v1)');
    expect(stdout).toContain('found istiod (revision default, Istio 1.29.3, tags default)');
    expect(stdout).toContain('platform: none recognised');
    synthValidates(file, 'minimal');
    // The istiod and injector lists are narrowed by label, as istioctl's own lookups are.
    expect(server.seen(ISTIO_DEPLOYMENTS)[0].query.get('labelSelector')).toBe('app=istiod');
    expect(server.seen(INJECTOR_WEBHOOKS)[0].query.get('labelSelector')).toBe('app=sidecar-injector');
    expect(server.requests[0].headers.authorization).toBe('Bearer token-of-kubeadm');
  });

  test('GIVEN GKE 1.32 without the ServiceCIDR API, picked with --context WHEN inspected THEN platform gke and an inferred Service range said so', async () => {
    const server = await serve(SCENARIOS.gke);
    const dead = await closedPort();
    // The current context points nowhere: only --context reaches the cluster.
    const { code, stdout } = await run(['inspect', '--context', 'gke', '-o', 'values.yaml'], [{ name: 'other', server: `http://127.0.0.1:${dead}` }, { name: 'gke', server: server.url }]);

    expect(code).toBe(0);
    const file = path.join(workspace.root, 'values.yaml');
    expect(fromKubernetesYamlStream(fs.readFileSync(file, 'utf8'))[0]).toEqual({
      global: { platform: 'gke' },
      trafficCapture: { includeIPRanges: ['10.52.0.0/23', '10.52.2.0/24', '34.118.224.0/20'] },
    });
    expect(stdout).toContain('platform: gke, because node gke-prod-default-pool-3f1c2a7e-8k2d has label cloud.google.com/gke-nodepool');
    expect(stdout).toContain('INFERRED (the cluster does not serve ServiceCIDR objects): 34.118.224.0/20 is the default range of GKE');
    expect(stdout).toContain('no istiod Deployment in istio-system: a fresh install');
    expect(server.seen('GET /apis/networking.k8s.io/v1/servicecidrs')).toHaveLength(0);
    synthValidates(file, 'default');
  });

  test('GIVEN EKS with the VPC CNI WHEN inspected without -o THEN values on stdout, summary on stderr, no platform and capture left at *', async () => {
    const server = await serve(SCENARIOS.eks);
    const { code, stdout, stderr } = await run(['inspect'], [{ name: 'eks', server: server.url }]);

    expect(code).toBe(0);
    const values = fromKubernetesYamlStream(stdout)[0];
    expect(values).toEqual({});
    expect(stderr).toContain('platform: eks, because node ip-10-0-12-34.eu-west-1.compute.internal has label eks.amazonaws.com/nodegroup');
    expect(stderr).toContain('global.platform stays "": upstream Istio 1.30 has no eks platform (the model refuses it)');
    expect(stderr).toContain('trafficCapture.includeIPRanges stays ["*"]');
    expect(stderr).toContain('Service range 10.100.0.0/16, INFERRED');
    expect(fs.readdirSync(workspace.root)).toEqual(['kubeconfig']);
  });

  test('GIVEN OpenShift with istiod revision 1-30-3 (Istio 1.30.3) tagged prod-stable WHEN inspected THEN adopt that revision, its tag, and istio-cni', async () => {
    const { code, values, file, stdout } = await inspectScenario('openshift');

    expect(code).toBe(0);
    expect(values).toEqual({
      global: { platform: 'openshift', revision: '1-30-3' },
      revisionTags: ['prod-stable'],
      cni: { enabled: true },
    });
    expect(stdout).toContain('platform: openshift, because the API serves config.openshift.io');
    expect(stdout).toContain('istiod-1-30-3 already runs Istio 1.30.3: adopt it in place');
    synthValidates(file, 'default');
  });

  test('GIVEN 1.32 with the networking.k8s.io/v1beta1 ServiceCIDR API enabled and two ranges WHEN inspected THEN both ranges, merged', async () => {
    const server = await serve({
      ...SCENARIOS.kubeadm,
      'GET /version': 'version-1.32',
      'GET /apis': 'apis-1.32-networking-v1beta1',
      'GET /apis/networking.k8s.io/v1': 'networking-v1-resources-1.32',
      'GET /apis/networking.k8s.io/v1beta1': 'networking-v1beta1-resources-1.32',
      'GET /apis/networking.k8s.io/v1beta1/servicecidrs': 'servicecidrs-v1beta1-1.32',
      [ISTIO_DEPLOYMENTS]: 'deployments-empty',
      [INJECTOR_WEBHOOKS]: 'webhooks-empty',
    });
    const { code, stdout } = await run(['inspect'], [{ name: 'beta', server: server.url }]);

    expect(code).toBe(0);
    expect(fromKubernetesYamlStream(stdout)[0]).toEqual({
      trafficCapture: { includeIPRanges: ['10.96.0.0/15', '10.244.0.0/23', '10.244.2.0/24', 'fd00:10:244::/63', 'fd00:10:244:2::/64'] },
    });
    expect(server.seen('GET /apis/networking.k8s.io/v1/servicecidrs')).toHaveLength(0);
  });

  test('GIVEN Kubernetes 1.27 WHEN inspected THEN refused in one line and nothing written', async () => {
    const server = await serve({ ...SCENARIOS.kubeadm, 'GET /version': 'version-1.27' });
    const { code, stderr } = await run(['inspect', '-o', 'values.yaml'], [{ name: 'old', server: server.url }]);

    expect(code).toBe(1);
    expect(stderr).toBe('istio-pack inspect: the cluster runs Kubernetes v1.27.16; Istio 1.30.3 as istio-pack installs it needs Kubernetes 1.28 or newer: upgrade the cluster first. Nothing was written.\n');
    expect(fs.existsSync(path.join(workspace.root, 'values.yaml'))).toBe(false);
    expect(server.requests.map((request) => request.path)).toEqual(['/version']);
  });

  test('GIVEN a file inspect did not write WHEN inspect -o names it THEN refused before any request', async () => {
    const server = await serve(SCENARIOS.kubeadm);
    workspace.write('values.yaml', 'global: {tag: mine}\n');
    const { code, stderr } = await run(['inspect', '-o', 'values.yaml'], [{ name: 'kubeadm', server: server.url }]);

    expect(code).toBe(1);
    expect(stderr).toContain('-o values.yaml: exists and was not written by istio-pack inspect');
    expect(fs.readFileSync(path.join(workspace.root, 'values.yaml'), 'utf8')).toBe('global: {tag: mine}\n');
    expect(server.requests).toHaveLength(0);
  });
});

describe('errors a user meets: one line, non-zero exit, no stack trace', () => {
  const oneLine = (stderr: string) => {
    expect(stderr.split('\n')).toHaveLength(2);
    expect(stderr).not.toMatch(/\n\s+at /);
  };

  test('GIVEN no KUBECONFIG, no ~/.kube/config and no service account WHEN inspect THEN "no kubeconfig"', async () => {
    const out: string[] = [];
    const code = await runClusterCommand(['inspect'], { HOME: workspace.root }, { stdout: (text) => out.push(text), stderr: (text) => out.push(text) }, workspace.root);
    expect(code).toBe(1);
    expect(out.join('')).toBe(`istio-pack inspect: no kubeconfig: set KUBECONFIG, pass --kubeconfig FILE or create ${path.join(workspace.root, '.kube', 'config')} (or run in a pod with a service account)\n`);
  });

  test('GIVEN an unknown --context WHEN diff THEN the contexts are listed and exit 2', async () => {
    const { code, stderr } = await run(['diff', '-p', 'minimal', '--context', 'prod'], [{ name: 'dev', server: 'http://127.0.0.1:1' }]);
    expect(code).toBe(2);
    oneLine(stderr);
    expect(stderr).toMatch(/^istio-pack diff: --context prod: no such context in KUBECONFIG \(.*\) \(contexts: dev\)\n$/);
  });

  test('GIVEN a server nobody listens on WHEN inspect THEN "cannot reach the API server"', async () => {
    const port = await closedPort();
    const { code, stderr } = await run(['inspect'], [{ name: 'gone', server: `http://127.0.0.1:${port}` }]);
    expect(code).toBe(1);
    oneLine(stderr);
    expect(stderr).toBe(`istio-pack inspect: cannot reach the API server http://127.0.0.1:${port} (context gone): connect ECONNREFUSED 127.0.0.1:${port}\n`);
  });

  test('GIVEN an expired token (401) WHEN inspect THEN the credentials are named', async () => {
    const server = await serve({ 'GET /version': { status: 401, fixture: 'status-401' } });
    const { code, stderr } = await run(['inspect'], [{ name: 'expired', server: server.url }]);
    expect(code).toBe(1);
    oneLine(stderr);
    expect(stderr).toBe(`istio-pack inspect: the API server ${server.url} refused the credentials of context expired (401 Unauthorized) for GET /version: log in again or renew the token\n`);
  });

  test('GIVEN a user who may not list nodes (403) WHEN inspect THEN the API server\'s reason and the RBAC pointer', async () => {
    const server = await serve({ ...SCENARIOS.kubeadm, 'GET /api/v1/nodes': { status: 403, fixture: 'status-403-nodes' } });
    const { code, stderr } = await run(['inspect', '-o', 'values.yaml'], [{ name: 'ci', server: server.url }]);
    expect(code).toBe(1);
    oneLine(stderr);
    expect(stderr).toBe('istio-pack inspect: forbidden (403) GET /api/v1/nodes: nodes is forbidden: User "system:serviceaccount:ci:deployer" cannot list resource "nodes" in API group "" at the cluster scope; see README "Cluster commands" for the RBAC these commands need. Nothing was written.\n');
  });

  test('GIVEN an object of an API the cluster does not serve (404) WHEN diffed THEN "does not serve"', async () => {
    const server = await serve({});
    const client = KubeClient.connect({ kubeconfig: workspace.write('kc', kubeconfigYaml([{ name: 'c', server: server.url }])), env: {} });
    const telemetry = { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 'mesh-default', namespace: 'istio-system' }, spec: {} };
    await expect(diffObjects(client, [telemetry])).rejects.toThrow('the cluster does not serve telemetry.istio.io/v1 (404 on /apis/telemetry.istio.io/v1), needed for Telemetry istio-system/mesh-default: install its CRDs or API first');
  });

  test('GIVEN diff without -p THEN exit 2 before any request', async () => {
    const { code, stderr } = await run(['diff'], [{ name: 'c', server: 'http://127.0.0.1:1' }]);
    expect(code).toBe(2);
    expect(stderr).toBe('istio-pack diff: diff: -p PROFILE is required\n');
  });
});

describe('istio-pack diff', () => {
  /** Objects of the minimal profile as synth renders them. */
  const rendered = () => [...renderProfile(builtinProfile('minimal')!).objects.values()].flat();
  const pick = (kind: string, name: string) => rendered().find((object) => object.kind === kind && object.metadata.name === name)!;

  const ADOPTION: Record<string, Route> = {
    'GET /api/v1': 'api-v1-resources',
    'GET /api/v1/namespaces/istio-system': 'live-namespace-istio-system',
    'PATCH /api/v1/namespaces/istio-system': 'dryrun-namespace-istio-system',
    'GET /api/v1/namespaces/istio-system/serviceaccounts/istio-reader-service-account': 'live-serviceaccount-istio-reader',
    'PATCH /api/v1/namespaces/istio-system/serviceaccounts/istio-reader-service-account': 'dryrun-serviceaccount-istio-reader',
    'GET /api/v1/namespaces/istio-system/configmaps/istio': 'live-configmap-istio',
    // istioctl's field manager owns the mesh config: the apply conflicts unless forced.
    'PATCH /api/v1/namespaces/istio-system/configmaps/istio': (request) => (request.query.get('force') === 'true'
      ? 'dryrun-configmap-istio'
      : { status: 409, fixture: 'status-409-conflict-configmap-istio' }),
    'GET /api/v1/namespaces/istio-system/serviceaccounts/istiod': { status: 404, fixture: 'status-404-serviceaccount-istiod' },
    'PATCH /api/v1/namespaces/istio-system/serviceaccounts/istiod': 'dryrun-serviceaccount-istiod-new',
  };

  test('GIVEN an istioctl 1.29.3 install WHEN its objects are diffed THEN changed, unchanged, new and taken-over fields are reported', async () => {
    const server = await serve(ADOPTION);
    const client = KubeClient.connect({ kubeconfig: workspace.write('kc', kubeconfigYaml([{ name: 'c', server: server.url }])), env: {} });
    const objects = [pick('Namespace', 'istio-system'), pick('ServiceAccount', 'istio-reader-service-account'), pick('ConfigMap', 'istio'), pick('ServiceAccount', 'istiod')];

    const results = await diffObjects(client, objects);

    expect(results.map((result) => [result.title, result.state, result.conflicts])).toEqual([
      ['Namespace istio-system', 'changed', []],
      ['ServiceAccount istio-system/istio-reader-service-account', 'unchanged', []],
      ['ConfigMap istio-system/istio', 'changed', ['istio-operator']],
      ['ServiceAccount istio-system/istiod', 'new', []],
    ]);
    const configMap = results[2].diff;
    expect(configMap).toContain('--- live ConfigMap istio-system/istio\n+++ after apply ConfigMap istio-system/istio\n');
    expect(configMap).toContain('\n-    app.kubernetes.io/version: 1.29.3\n+    app.kubernetes.io/version: 1.30.3\n');
    expect(configMap).toContain('\n-    enablePrometheusMerge: true\n');
    expect(configMap).toContain('\n+      "enablePrometheusMerge": true,\n');
    // Server-maintained metadata is not a difference.
    for (const diff of results.map((result) => result.diff)) expect(diff).not.toMatch(/managedFields|resourceVersion|creationTimestamp|uid:/);
    expect(results[0].diff).toContain("\n+    argocd.argoproj.io/sync-wave: '-2'\n");

    // Every apply is a server-side dry run by istio-pack's field manager, forced only after a conflict.
    const patches = server.requests.filter((request) => request.method === 'PATCH');
    expect(patches.map((request) => [request.path.split('/').pop(), request.query.get('force')])).toEqual([
      ['istio-system', null], ['istio-reader-service-account', null], ['istio', null], ['istio', 'true'], ['istiod', null],
    ]);
    for (const request of patches) {
      expect(request.headers['content-type']).toBe('application/apply-patch+yaml');
      expect(request.query.get('dryRun')).toBe('All');
      expect(request.query.get('fieldManager')).toBe('istio-pack');
    }
    expect(JSON.parse(patches[2].body)).toEqual(pick('ConfigMap', 'istio'));

    const report = diffReport(results);
    expect(report).toContain('Summary: 1 new, 2 changed, 1 unchanged (4 objects)\n');
    expect(report).toContain('  changed   ConfigMap istio-system/istio (takes over fields of istio-operator)\n');
  });

  test('GIVEN a fresh cluster WHEN the namespace and an object in it are diffed THEN both are new, the second shown as rendered', async () => {
    const server = await serve({
      'GET /api/v1': 'api-v1-resources',
      'GET /api/v1/namespaces/istio-system': { status: 404, fixture: 'status-404-namespace-istio-system' },
      'PATCH /api/v1/namespaces/istio-system': 'dryrun-namespace-istio-system-new',
      'GET /api/v1/namespaces/istio-system/serviceaccounts/istiod': { status: 404, fixture: 'status-404-serviceaccount-istiod' },
      'PATCH /api/v1/namespaces/istio-system/serviceaccounts/istiod': { status: 404, fixture: 'status-404-namespace-istio-system' },
    });
    const client = KubeClient.connect({ kubeconfig: workspace.write('kc', kubeconfigYaml([{ name: 'c', server: server.url }])), env: {} });

    const results = await diffObjects(client, [pick('Namespace', 'istio-system'), pick('ServiceAccount', 'istiod')]);

    expect(results.map((result) => [result.title, result.state, result.note])).toEqual([
      ['Namespace istio-system', 'new', undefined],
      ['ServiceAccount istio-system/istiod', 'new', 'namespace istio-system is new too, so the server cannot dry-run this object: shown as rendered'],
    ]);
  });

  test('GIVEN a cluster without Istio\'s CRDs WHEN a CRD and a resource of its kind are diffed THEN both are new, not an error', async () => {
    const server = await serve({
      'GET /apis/apiextensions.k8s.io/v1': 'apiextensions-v1-resources',
      'GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions/peerauthentications.security.istio.io': { status: 404, fixture: 'status-404-crd-peerauthentications' },
      'PATCH /apis/apiextensions.k8s.io/v1/customresourcedefinitions/peerauthentications.security.istio.io': 'dryrun-crd-peerauthentications-new',
    });
    const client = KubeClient.connect({ kubeconfig: workspace.write('kc', kubeconfigYaml([{ name: 'c', server: server.url }])), env: {} });
    const peerAuthentication = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } };

    const results = await diffObjects(client, [pick('CustomResourceDefinition', 'peerauthentications.security.istio.io'), peerAuthentication]);

    expect(results.map((result) => [result.title, result.state, result.note])).toEqual([
      ['CustomResourceDefinition peerauthentications.security.istio.io', 'new', undefined],
      ['PeerAuthentication istio-system/default', 'new', 'the cluster does not serve security.istio.io/v1 PeerAuthentication until this profile\'s CRD is applied: shown as rendered'],
    ]);
    expect(server.seen('GET /apis/security.istio.io/v1')).toHaveLength(1);
  });

  test('GIVEN the profile already applied WHEN istio-pack diff runs THEN exit 0; on a fresh cluster exit 1; on an error exit 2', async () => {
    // Profile empty with the namespace: one object, the Namespace as istio-pack applied it.
    const valuesFile = workspace.write('ns.yaml', 'global: {createNamespace: true}\n');
    const applied = await serve({
      'GET /api/v1': 'api-v1-resources',
      'GET /api/v1/namespaces/istio-system': 'dryrun-namespace-istio-system',
      'PATCH /api/v1/namespaces/istio-system': 'dryrun-namespace-istio-system',
    });
    const same = await run(['diff', '-p', 'empty', '-f', valuesFile], [{ name: 'c', server: applied.url }]);
    expect(same.stderr).toBe('');
    expect(same.stdout).toBe(`istio-pack diff: profile empty against context c (${applied.url})\nSummary: 0 new, 0 changed, 1 unchanged (1 objects)\n  unchanged Namespace istio-system\n`);
    expect(same.code).toBe(0);

    const fresh = await serve({
      'GET /api/v1': 'api-v1-resources',
      'GET /api/v1/namespaces/istio-system': { status: 404, fixture: 'status-404-namespace-istio-system' },
      'PATCH /api/v1/namespaces/istio-system': 'dryrun-namespace-istio-system-new',
    });
    const created = await run(['diff', '-p', 'empty', '-f', valuesFile], [{ name: 'c', server: fresh.url }]);
    expect(created.stdout).toContain('Summary: 1 new, 0 changed, 0 unchanged (1 objects)\n  new       Namespace istio-system\n');
    expect(created.code).toBe(1);

    const refused = await serve({ 'GET /api/v1': { status: 401, fixture: 'status-401' } });
    const failed = await run(['diff', '-p', 'empty', '-f', valuesFile], [{ name: 'c', server: refused.url }]);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toBe(`istio-pack diff: the API server ${refused.url} refused the credentials of context c (401 Unauthorized) for GET /api/v1: log in again or renew the token\n`);
  });

  test('GIVEN invalid values WHEN diff THEN the synth error, exit 2, and no request', async () => {
    const server = await serve({});
    const valuesFile = workspace.write('bad.yaml', 'global: {platform: eks}\n');
    const { code, stderr } = await run(['diff', '-p', 'minimal', '-f', valuesFile], [{ name: 'c', server: server.url }]);
    expect(code).toBe(2);
    expect(stderr).toContain('global.platform: must be one of');
    expect(server.requests).toHaveLength(0);
  });
});

describe('the CLI loads @kubernetes/client-node only for the cluster commands', () => {
  /**
   * Modules loaded when `entry` is loaded: its top-level import and export-from declarations, followed
   * through src/ (type-only imports and require() calls inside functions load nothing at start).
   */
  function staticImports(entry: string): Set<string> {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      if (!file.endsWith('.ts')) return;
      const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2020);
      for (const statement of source.statements) {
        const specifier = ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly ? statement.moduleSpecifier
          : ts.isExportDeclaration(statement) && !statement.isTypeOnly ? statement.moduleSpecifier : undefined;
        if (!specifier || !ts.isStringLiteral(specifier)) continue;
        const name = specifier.text;
        const local = path.resolve(path.dirname(file), name);
        visit(name.startsWith('.') ? (fs.existsSync(`${local}.ts`) ? `${local}.ts` : path.join(local, 'index.ts')) : name);
      }
    };
    visit(entry);
    return seen;
  }

  test('GIVEN src/cli.ts WHEN its static imports are followed THEN client-node is not among them, but it is from the cluster commands', () => {
    const src = path.join(__dirname, '..', 'src');
    expect(staticImports(path.join(src, 'cli.ts'))).not.toContain('@kubernetes/client-node');
    expect(staticImports(path.join(src, 'cluster', 'commands.ts'))).toContain('@kubernetes/client-node');
  });
});

describe('the recorded API responses', () => {
  test('GIVEN every fixture in test/fixtures/cluster WHEN checked against the Kubernetes API types of kubernetes-models THEN each is valid', async () => {
    const meta = await importEsm('@kubernetes-models/apimachinery/apis/meta/v1');
    const { Info } = await importEsm('@kubernetes-models/apimachinery/version/Info');
    const models: Record<string, { new (data: any): { validate(): void } }> = {
      'v1/APIGroupList': meta.APIGroupList,
      'apiextensions.k8s.io/v1/CustomResourceDefinition': require('kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition').CustomResourceDefinition,
      'v1/APIResourceList': meta.APIResourceList,
      'v1/Status': meta.Status,
      'v1/NodeList': require('kubernetes-models/v1/NodeList').NodeList,
      'v1/Service': require('kubernetes-models/v1/Service').Service,
      'v1/Namespace': require('kubernetes-models/v1/Namespace').Namespace,
      'v1/ConfigMap': require('kubernetes-models/v1/ConfigMap').ConfigMap,
      'v1/ServiceAccount': require('kubernetes-models/v1/ServiceAccount').ServiceAccount,
      'apps/v1/DeploymentList': require('kubernetes-models/apps/v1/DeploymentList').DeploymentList,
      'admissionregistration.k8s.io/v1/MutatingWebhookConfigurationList': require('kubernetes-models/admissionregistration.k8s.io/v1/MutatingWebhookConfigurationList').MutatingWebhookConfigurationList,
      'networking.k8s.io/v1/ServiceCIDRList': require('kubernetes-models/networking.k8s.io/v1/ServiceCIDRList').ServiceCIDRList,
    };
    const folder = path.join(__dirname, 'fixtures', 'cluster');
    const files = fs.readdirSync(folder).filter((file) => file.endsWith('.json')).sort();
    expect(files.length).toBeGreaterThan(30);
    for (const file of files) {
      const data = JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8'));
      // /version answers a version.Info, which has no kind.
      // /api/v1 answers its APIResourceList without apiVersion, as real API servers do. ServiceCIDR
      // networking.k8s.io/v1beta1 went to v1 unchanged; kubernetes-models has only v1's schema.
      const apiVersion = data.kind === 'ServiceCIDRList' ? 'networking.k8s.io/v1' : data.apiVersion ?? 'v1';
      const model = file.startsWith('version-') ? Info : models[`${apiVersion}/${data.kind}`];
      if (!model) throw new Error(`${file}: no model for ${data.apiVersion}/${data.kind}`);
      // List items come without apiVersion and kind from the API server (they are the list's); the
      // item schemas require them, so they are filled in before validating.
      const itemKind = typeof data.kind === 'string' && data.kind.endsWith('List') ? data.kind.slice(0, -'List'.length) : undefined;
      const checked = itemKind && Array.isArray(data.items)
        ? { ...data, apiVersion, items: data.items.map((item: object) => ({ apiVersion, kind: itemKind, ...item })) }
        : data;
      try {
        new model(checked).validate();
      } catch (error) {
        throw new Error(`${file}: ${(error as Error).message}`);
      }
    }
  });
});

describe('TLS, as real API servers serve', () => {
  /** A self-signed certificate for 127.0.0.1, made by the real openssl. */
  function selfSignedCertificate(folder: string): { key: string; cert: string } {
    const key = path.join(folder, 'tls.key');
    const cert = path.join(folder, 'tls.crt');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=kube-apiserver', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'pipe' });
    return { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
  }

  test('GIVEN an HTTPS API server WHEN the kubeconfig carries its CA THEN requests go through; without it, one line says the certificate is not trusted', async () => {
    const tls = selfSignedCertificate(workspace.root);
    const server = await RecordedApiServer.start({ 'GET /version': 'version-1.27' }, tls);
    servers.push(server);

    const trusted = await run(['inspect'], [{ name: 'tls', server: server.url, caPem: tls.cert }]);
    expect(trusted.stderr).toContain('the cluster runs Kubernetes v1.27.16');
    expect(server.requests[0].headers.authorization).toBe('Bearer token-of-tls');

    const untrusted = await run(['inspect'], [{ name: 'tls', server: server.url }]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toBe(`istio-pack inspect: the API server ${server.url} (context tls) presented a certificate this kubeconfig does not trust (self-signed certificate): check the cluster's certificate-authority(-data) and server address\n`);
  });
});

describe('address ranges', () => {
  const cidrs = (...texts: string[]) => texts.map((text) => parseCidr(text)!);

  test('GIVEN nodes\' Pod CIDRs WHEN aggregated THEN halves merge, contained blocks go, families stay apart, order is by address', () => {
    expect(aggregateCidrs(cidrs('10.244.3.0/24', '10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24', '10.244.2.0/25', 'fd00::/64', 'fd00:0:0:1::/64')).map(formatCidr))
      .toEqual(['10.244.0.0/22', 'fd00::/63']);
    // Neighbours that are not halves of one block stay apart.
    expect(aggregateCidrs(cidrs('10.244.1.0/24', '10.244.2.0/24')).map(formatCidr)).toEqual(['10.244.1.0/24', '10.244.2.0/24']);
    expect(formatCidr(parseCidr('10.1.2.3/16')!)).toBe('10.1.0.0/16');
    expect(formatCidr(parseCidr('2001:DB8:0:0:1::1/128')!)).toBe('2001:db8::1:0:0:1/128');
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
  });

  test('GIVEN the kubernetes Service address WHEN the Service range is inferred THEN known defaults, else the largest block it can be', () => {
    const inferred = (ip: string) => formatCidr(inferServiceRange(ip)!.cidr);
    expect(inferred('10.96.0.1')).toBe('10.96.0.0/12');
    expect(inferred('172.20.0.1')).toBe('172.20.0.0/16');
    // 10.200.0.0 is aligned to /13: the range is at most that (and never larger than /12).
    expect(inferred('10.200.0.1')).toBe('10.200.0.0/13');
    expect(inferred('10.0.0.1')).toBe('10.0.0.0/16');
    expect(inferred('192.168.0.1')).toBe('192.168.0.0/13');
    expect(inferred('fd00:10:96::1')).toBe('fd00:10:96::/108');
  });
});
