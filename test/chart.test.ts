import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { renderChart } from '../src/outputs/chart';
import { toKubernetesYaml } from '../src/values/kubernetes-yaml';
import { MARKER_FILE } from '../src/outputs/output-folders';
import { profileValuesFile } from '../src/outputs/profile-files';
import { BUILTIN_PROFILES } from '../src/profiles/builtin-profiles';
import { VALUES_MODEL } from '../src/values/model';
import { resolveValues } from '../src/values/resolve';
import { ACK_INGRESS } from './support/ack';
import { Helm, HELMS, writeChartFolder } from './support/helm';
import { objectKey } from './support/objects';

const REPO = path.resolve(__dirname, '..');
let workdir: string;
let chartDir: string;
const chartFiles = renderChart();

beforeAll(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-pack-chart-'));
  chartDir = path.join(workdir, 'istio');
  writeChartFolder(chartDir, chartFiles);
  for (const profile of BUILTIN_PROFILES) fs.writeFileSync(path.join(workdir, `${profile.name}.yaml`), profileValuesFile(profile));
});
afterAll(() => fs.rmSync(workdir, { recursive: true, force: true }));

/** Values files for overlays: a profile name (its values file) or a values object (written to a file). */
function valueFiles(overlays: ReadonlyArray<string | Record<string, unknown>>): string[] {
  return overlays.map((overlay, index) => {
    if (typeof overlay === 'string') return path.join(workdir, `${overlay}.yaml`);
    const file = path.join(workdir, `overlay-${index}-${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(file, toKubernetesYaml(overlay));
    return file;
  });
}

function render(helm: Helm, ...overlays: Array<string | Record<string, unknown>>) {
  return helm.template(chartDir, valueFiles(overlays));
}

function documents(helm: Helm, ...overlays: Array<string | Record<string, unknown>>): Array<Record<string, any>> {
  const result = render(helm, ...overlays);
  if (!result.ok) throw new Error(`${helm.name}: ${result.error}`);
  return result.documents;
}

describe('committed chart', () => {
  test('charts/istio is what a fresh synth gives', () => {
    // WHEN
    const committedRoot = path.join(REPO, 'charts', 'istio');
    const committed: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        // The ownership marker is the synth's, not the chart's (test/synth.test.ts checks it).
        if (entry.name === MARKER_FILE) continue;
        if (entry.isDirectory()) walk(full);
        else committed.push(path.relative(committedRoot, full));
      }
    };
    walk(committedRoot);

    // THEN
    expect(committed.sort()).toEqual([...chartFiles.keys()].sort());
    for (const [file, content] of chartFiles) expect(`${file}:\n${fs.readFileSync(path.join(committedRoot, file), 'utf8')}`).toBe(`${file}:\n${content}`);
  });
});

describe('Chart.yaml and values.yaml', () => {
  test('Chart.yaml has the required v2 fields', () => {
    // WHEN
    const chart = yaml.load(chartFiles.get('Chart.yaml') as string) as any;

    // THEN
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'istio', type: 'application', appVersion: '1.30.3', kubeVersion: '>=1.28.0-0' });
    expect(chart.version).toMatch(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/);
    expect(chart.description.length).toBeGreaterThan(20);
    for (const url of [chart.home, chart.icon, ...chart.sources]) expect(() => new URL(url)).not.toThrow();
    for (const value of Object.values(chart.annotations)) expect(typeof value).toBe('string');
    expect(yaml.load(chart.annotations['artifacthub.io/images'])).toEqual(expect.arrayContaining([{ name: 'pilot', image: 'docker.io/istio/pilot:1.30.3' }]));
  });

  test('values.yaml is the default profile, every key commented', () => {
    // WHEN
    const text = chartFiles.get('values.yaml') as string;
    const values = yaml.load(text) as Record<string, unknown>;

    // THEN
    expect(values).toEqual(JSON.parse(JSON.stringify(resolveValues([{ source: 'none', values: {} }]))));
    const lines = text.split('\n');
    let cursor = 0;
    const visit = (setting: any, depth: number) => {
      for (const key of Object.keys(setting.properties)) {
        const declaration = `${'  '.repeat(depth)}${key}:`;
        const commented = `${'  '.repeat(depth)}# ${key}:`;
        while (cursor < lines.length && !lines[cursor].startsWith(declaration) && !lines[cursor].startsWith(commented)) cursor++;
        expect({ key, found: cursor < lines.length }).toEqual({ key, found: true });
        expect({ key, comment: lines[cursor - 1].trimStart().startsWith('#') }).toEqual({ key, comment: true });
        if (setting.properties[key].kind === 'object') visit(setting.properties[key], depth + 1);
      }
    };
    visit(VALUES_MODEL, 0);
  });
});

describe.each(HELMS.map((helm) => [helm.name, helm] as const))('rendered by %s', (_name, helm) => {
  test('the binary is the Helm version its npm package promises', () => {
    // WHEN
    const reported = spawnSync(helm.binary, ['version', '--short'], { encoding: 'utf8' }).stdout;

    // THEN
    expect(reported).toMatch(new RegExp(`^v${helm.version.replace(/\./g, '\\.')}\\+g[0-9a-f]+\n$`));
    expect(HELMS.map((each) => each.version)).toEqual(['3.17.3', '4.1.4']);
  });

  test('helm lint --strict passes with the chart\'s own values', () => {
    // WHEN
    const lint = helm.lint(chartDir);

    // THEN
    expect(lint.output).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(lint.ok).toBe(true);
  });

  test.each(BUILTIN_PROFILES.map((p) => p.name))('helm lint --strict passes with profiles/%s.yaml', (name) => {
    // WHEN
    const lint = helm.lint(chartDir, valueFiles([name]));

    // THEN
    expect(lint.output).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(lint.ok).toBe(true);
  });

  test.each(BUILTIN_PROFILES.map((p) => p.name))('profile %s renders valid objects: names DNS-1123, workloads with selectors, no resource-policy inside a List', (name) => {
    // WHEN
    const objects = documents(helm, name);

    // THEN
    for (const object of objects) {
      expect(object.apiVersion).toBeTruthy();
      expect(object.kind).toBeTruthy();
      expect(object.kind).not.toBe('List');
      expect(object.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      if (['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet'].includes(object.kind)) {
        expect(object.spec.selector.matchLabels ?? object.spec.selector.matchExpressions).toBeTruthy();
      }
    }
    expect(new Set(objects.map(objectKey)).size).toBe(objects.length);
  });

  test('NOTES.txt renders the gateway address and the addon port-forward commands', () => {
    // GIVEN the renderer executes only manifests, so NOTES.txt is rendered on its own here
    const notesChart = path.join(workdir, 'notes');
    fs.rmSync(notesChart, { recursive: true, force: true });
    fs.mkdirSync(path.join(notesChart, 'templates'), { recursive: true });
    fs.copyFileSync(path.join(chartDir, 'Chart.yaml'), path.join(notesChart, 'Chart.yaml'));
    fs.copyFileSync(path.join(chartDir, 'values.yaml'), path.join(notesChart, 'values.yaml'));
    // NOTES.txt reads values through the chart's helpers, as every template does
    fs.copyFileSync(path.join(chartDir, 'templates', '_helpers.tpl'), path.join(notesChart, 'templates', '_helpers.tpl'));
    const notes = chartFiles.get('templates/NOTES.txt') as string;
    fs.writeFileSync(path.join(notesChart, 'templates', 'notes.yaml'), `---\nkind: Notes\nmetadata: {name: notes}\ntext: {{ tpl ${JSON.stringify(notes)} . | toJson }}\n`);

    // WHEN
    const result = helm.template(notesChart, [path.join(workdir, 'demo.yaml')]);

    // THEN
    if (!result.ok) throw new Error(result.error);
    const text = result.documents[0].text as string;
    expect(text).toContain('ingress gateway istio-ingressgateway');
    expect(text).toContain('kubectl -n istio-system get service istio-ingressgateway');
    expect(text).toContain('port-forward svc/kiali 20001:20001');
    expect(text).toContain('port-forward svc/grafana 3000:3000');
  });
});

describe.each(HELMS.map((helm) => [helm.name, helm] as const))('the ACK console values block (seed 002), %s', (_name, helm) => {
  const ACK = { gateways: { enabled: true, ingress: [ACK_INGRESS], k8singress: {} } };

  test('renders nodePorts 31380/31390, type LoadBalancer and an HPA of 1..5; targetPort 0 means "same as port"', () => {
    // WHEN
    const objects = documents(helm, 'default', ACK);

    // THEN
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'istio-ingressgateway');
    expect(service?.spec.type).toBe('LoadBalancer');
    expect(service?.spec.ports).toEqual([
      { name: 'status-port', port: 15020, protocol: 'TCP', targetPort: 15020 },
      { name: 'http2', nodePort: 31380, port: 80, protocol: 'TCP', targetPort: 80 },
      { name: 'https', nodePort: 31390, port: 443, protocol: 'TCP', targetPort: 443 },
      { name: 'tls', port: 15443, protocol: 'TCP', targetPort: 15443 },
    ]);
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'istio-ingressgateway');
    expect([hpa?.spec.minReplicas, hpa?.spec.maxReplicas]).toEqual([1, 5]);
  });
});

describe.each(HELMS.map((helm) => [helm.name, helm] as const))('bad values fail the render with the TypeScript wording, %s', (_name, helm) => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['minReplicas above maxReplicas', { gateways: { ingress: [{ minReplicas: 6, maxReplicas: 3 }] } },
      'gateways.ingress[0].minReplicas: must be <= maxReplicas (3), got 6'],
    ['duplicate port names', { gateways: { ingress: [{ ports: [{ name: 'http2', port: 80 }, { name: 'http2', port: 8080 }] }] } },
      'gateways.ingress[0].ports[1].name: must be unique, "http2" is already used by gateways.ingress[0].ports[0]'],
    ['duplicate port numbers', { gateways: { ingress: [{ ports: [{ name: 'http2', port: 80 }, { name: 'http', port: 80 }] }] } },
      'gateways.ingress[0].ports[1].port: must be unique, 80 is already used by gateways.ingress[0].ports[0]'],
    ['duplicate gateway names across lists', { gateways: { ingress: [{ gatewayName: 'edge' }], egress: [{ gatewayName: 'edge' }] }, mesh: { ingressService: 'istio-edge' } },
      'gateways.egress[0].gatewayName: must be unique across ingress and egress gateways, "edge" is already used by gateways.ingress[0].gatewayName'],
    ['nodePort on ClusterIP', { gateways: { egress: [{ ports: [{ name: 'http2', port: 80, nodePort: 31000 }] }] } },
      'gateways.egress[0].ports[0].nodePort: needs serviceType NodePort or LoadBalancer, got serviceType ClusterIP'],
    ['loadBalancerIP without LoadBalancer', { gateways: { ingress: [{ serviceType: 'NodePort', loadBalancerIP: '1.2.3.4' }] } },
      'gateways.ingress[0].loadBalancerIP: needs serviceType LoadBalancer, got NodePort'],
    ['* mixed with CIDRs', { trafficCapture: { includeIPRanges: ['*', '10.0.0.0/8'] } },
      'trafficCapture.includeIPRanges: must be either ["*"] or a list of CIDRs, got ["*","10.0.0.0/8"]'],
    ['istiod autoscale min above max', { istiod: { autoscale: { min: 4, max: 2 } } },
      'istiod.autoscale.min: must be <= max (2), got 4'],
    ['ambient without CNI', { ambient: { enabled: true } },
      'ambient.enabled: needs cni.enabled: true (ztunnel gets its traffic from istio-cni), got cni.enabled false'],
    ['ingress service not rendered', { gateways: { ingress: [{ gatewayName: 'edge' }] } },
      'mesh.ingressService: must name a rendered ingress gateway Service (istio-edge) or mesh.ingressControllerMode must be OFF, got "istio-ingressgateway"'],
    ['kiali basic auth without users', { addons: { kiali: { enabled: true, auth: { strategy: 'basic' } } } },
      'addons.kiali.auth.basic.htpasswdSecret.name: must name a Secret (or basic.htpasswd must list users) when strategy is basic, got none'],
  ];

  test.each(cases)('%s', (_title, overlay, message) => {
    // GIVEN the TypeScript model rejects it with this message
    expect(() => resolveValues([{ source: 'test', values: overlay }])).toThrow(message);

    // WHEN
    const result = render(helm, 'default', overlay);

    // THEN the chart refuses it with the same words
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });
});

describe.each(HELMS.map((helm) => [helm.name, helm] as const))('upgrade safety, %s', (_name, helm) => {
  /** Selectors and Service names of the default render with `overlay` applied. */
  function identity(overlay: Record<string, unknown>) {
    const objects = documents(helm, 'demo', overlay);
    return {
      selectors: Object.fromEntries(objects.filter((o) => ['Deployment', 'DaemonSet'].includes(o.kind)).map((o) => [o.metadata.name, o.spec.selector])),
      services: objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name).sort(),
    };
  }

  test('Deployment/DaemonSet selectors and Service names do not depend on values users change', () => {
    // GIVEN
    const baseline = identity({});

    // WHEN values a user tunes change
    const tuned = identity({
      global: { hub: 'registry.example.com/istio', tag: '1.30.2', imagePullSecrets: ['pull'], logLevel: 'default:debug' },
      istiod: { autoscale: { enabled: true, min: 2, max: 4 }, resources: { requests: { cpu: '1', memory: '4Gi' } } },
      gateways: {
        ingress: [{ gatewayName: 'ingressgateway', serviceType: 'NodePort', replicaCount: 3, autoscaleEnabled: false, ports: [{ name: 'http2', port: 80 }], podAnnotations: { a: 'b' } }],
        egress: [{ gatewayName: 'egressgateway', serviceType: 'LoadBalancer', minReplicas: 2 }],
      },
      addons: { prometheus: { retention: '30d', persistence: { enabled: true } }, kiali: { auth: { strategy: 'basic', basic: { htpasswdSecret: { name: 'u' } } } } },
      sidecarInjection: { enabled: false },
    });

    // THEN
    expect(tuned).toEqual(baseline);
    expect(baseline.selectors).toMatchObject({
      'istiod': { matchLabels: { istio: 'pilot' } },
      'istio-ingressgateway': { matchLabels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } },
      'istio-egressgateway': { matchLabels: { app: 'istio-egressgateway', istio: 'egressgateway' } },
      'prometheus': { matchLabels: { 'app': 'prometheus', 'app.kubernetes.io/component': 'server', 'app.kubernetes.io/name': 'prometheus' } },
      'kiali': { matchLabels: { 'app.kubernetes.io/instance': 'kiali', 'app.kubernetes.io/name': 'kiali' } },
    });
  });

  test('the node agents keep their selectors', () => {
    const objects = documents(helm, 'ambient', { cni: { namespace: 'kube-system', chained: false }, ztunnel: { logLevel: 'debug' } });
    const selector = (name: string) => objects.find((o) => o.kind === 'DaemonSet' && o.metadata.name === name)?.spec.selector;
    expect(selector('istio-cni-node')).toEqual({ matchLabels: { 'k8s-app': 'istio-cni-node' } });
    expect(selector('ztunnel')).toEqual({ matchLabels: { app: 'ztunnel' } });
  });

  test('CRDs are templates kept on uninstall', () => {
    const crds = documents(helm, 'default').filter((o) => o.kind === 'CustomResourceDefinition');
    expect(crds).toHaveLength(15);
    for (const crd of crds) expect(crd.metadata.annotations['helm.sh/resource-policy']).toBe('keep');
  });
});
