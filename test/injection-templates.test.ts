/*
 * Renders the istio-pack injection templates with Go's text/template + sprig (the libraries istiod
 * uses) through test/tools/inject-render, and checks the rendered pod overlays.
 *
 * Needs the Debian packages golang-go, golang-github-masterminds-sprig-dev and
 * golang-k8s-sigs-yaml-dev (GOPATH mode under /usr/share/gocode).
 */
import * as yaml from 'js-yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import {
  GATEWAY_TEMPLATE,
  GRPC_AGENT_TEMPLATE,
  GRPC_SIMPLE_TEMPLATE,
  InjectionValues,
  KUBE_GATEWAY_TEMPLATE,
  SIDECAR_TEMPLATE,
  WAYPOINT_TEMPLATE,
  buildInjectorConfig,
  buildInjectorValues,
} from '../src/components/injection-templates';
import { ConcreteBinder } from '../src/values/binder';
import { InjectRenderer, buildInjectRenderer } from './support/inject-render';

jest.setTimeout(120000);

const CONCRETE = new ConcreteBinder();

// ---------------------------------------------------------------------------------------------
// Rendered-overlay shapes (only what the assertions read).
// ---------------------------------------------------------------------------------------------

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly fieldRef?: { readonly fieldPath: string };
    readonly resourceFieldRef?: { readonly resource: string; readonly divisor: string };
  };
}

interface Probe {
  readonly httpGet: { readonly path: string; readonly port: number };
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

interface SecurityContext {
  readonly allowPrivilegeEscalation?: boolean;
  readonly privileged?: boolean;
  readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
  readonly readOnlyRootFilesystem?: boolean;
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
}

interface Container {
  readonly name: string;
  readonly image: string;
  readonly args?: readonly string[];
  readonly env?: readonly EnvVar[];
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number; readonly protocol?: string }[];
  readonly restartPolicy?: string;
  readonly imagePullPolicy?: string;
  readonly lifecycle?: {
    readonly postStart?: { readonly exec: { readonly command: readonly string[] } };
    readonly preStop?: { readonly exec: { readonly command: readonly string[] } };
  };
  readonly startupProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly securityContext?: SecurityContext;
  readonly resources?: {
    readonly requests?: { readonly cpu?: string; readonly memory?: string };
    readonly limits?: { readonly cpu?: string; readonly memory?: string };
  } | null;
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string; readonly readOnly?: boolean }[];
}

interface Volume {
  readonly name: string;
  readonly [source: string]: unknown;
}

interface Overlay {
  readonly metadata: {
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations: Readonly<Record<string, string>>;
  };
  readonly spec: {
    readonly initContainers?: readonly Container[];
    readonly containers?: readonly Container[];
    readonly volumes: readonly Volume[];
    readonly imagePullSecrets?: readonly { readonly name: string }[];
    readonly securityContext?: { readonly sysctls?: readonly { readonly name: string; readonly value: string }[] };
  };
}

interface ConfigSummary {
  readonly policy: string;
  readonly defaultTemplates: readonly string[];
  readonly templates: readonly string[];
  readonly neverInjectSelector: readonly unknown[];
  readonly alwaysInjectSelector: readonly unknown[];
  readonly injectedAnnotations: Readonly<Record<string, string>>;
  readonly proxyImage: string;
  readonly clusterName: string;
  readonly network?: string;
  readonly holdApplicationUntilProxyStarts: boolean;
  readonly rewriteAppHTTPProbe: boolean;
}

// ---------------------------------------------------------------------------------------------
// Fixtures.
// ---------------------------------------------------------------------------------------------

/** istio-pack defaults, matching the upstream chart defaults the templates replace. */
function defaultValues(): InjectionValues {
  return {
    global: {
      hub: 'docker.io/istio',
      tag: '1.30.3',
      imagePullPolicy: 'IfNotPresent',
      imagePullSecrets: [],
      istioNamespace: 'istio-system',
      revision: '',
      clusterId: 'Kubernetes',
      meshId: '',
      network: '',
      logAsJson: false,
      logLevel: 'default:info',
      variant: '',
      platform: '',
    },
    mesh: { trustDomain: 'cluster.local' },
    sidecarInjection: {
      autoInjection: true,
      allNamespaces: false,
      proxy: {
        resources: {
          requests: { cpu: '100m', memory: '128Mi' },
          limits: { cpu: '2000m', memory: '1024Mi' },
        },
        logLevel: 'warning',
        componentLogLevel: 'misc:error',
        holdApplicationUntilProxyStarts: false,
        statusPort: 15020,
      },
    },
    trafficCapture: {
      includeIPRanges: ['*'],
      excludeIPRanges: [],
      includeInboundPorts: ['*'],
      excludeInboundPorts: [],
      includeOutboundPorts: [],
      excludeOutboundPorts: [],
    },
    cni: { enabled: false, provider: 'default' },
    istiod: { env: {} },
  };
}

/** Returns `defaultValues()` with some sections replaced. */
function withValues(patch: {
  readonly global?: Partial<InjectionValues['global']>;
  readonly proxy?: Partial<InjectionValues['sidecarInjection']['proxy']>;
  readonly trafficCapture?: Partial<InjectionValues['trafficCapture']>;
  readonly cni?: InjectionValues['cni'];
  readonly autoInjection?: boolean;
}): InjectionValues {
  const base = defaultValues();
  return {
    ...base,
    global: { ...base.global, ...patch.global },
    sidecarInjection: {
      autoInjection: patch.autoInjection ?? base.sidecarInjection.autoInjection,
      allNamespaces: base.sidecarInjection.allNamespaces,
      proxy: { ...base.sidecarInjection.proxy, ...patch.proxy },
    },
    trafficCapture: { ...base.trafficCapture, ...patch.trafficCapture },
    cni: patch.cni ?? base.cni,
  };
}

interface PodOptions {
  readonly annotations?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly nativeSidecars?: boolean;
  readonly revision?: string;
  readonly containers?: readonly { readonly name: string; readonly image: string; readonly ports?: readonly object[] }[];
  readonly deploymentName?: string;
}

/** Template data for a Deployment-owned pod, shaped like istiod's SidecarTemplateData. */
function podData(options: PodOptions = {}): object {
  return {
    TypeMeta: { apiVersion: 'apps/v1', kind: 'Deployment' },
    DeploymentMeta: { namespace: 'shop', name: options.deploymentName ?? 'reviews' },
    ObjectMeta: {
      namespace: 'shop',
      labels: options.labels ?? { 'app': 'reviews', 'version': 'v2' },
      annotations: options.annotations ?? {},
    },
    Spec: {
      serviceAccountName: 'reviews',
      containers: options.containers ?? [
        { name: 'reviews', image: 'example.com/reviews:2.0', ports: [{ name: 'http', containerPort: 9080, protocol: 'TCP' }] },
      ],
    },
    ProxyConfig: { discoveryAddress: 'istiod.istio-system.svc:15012' },
    MeshConfig: { proxyListenPort: 15001, proxyInboundListenPort: 15006, trustDomain: 'cluster.local' },
    Revision: options.revision ?? 'default',
    NativeSidecars: options.nativeSidecars ?? false,
    ProxyUID: 1337,
    ProxyGID: 1337,
    InboundTrafficPolicyMode: 'passthrough',
    CompliancePolicy: '',
  };
}

// ---------------------------------------------------------------------------------------------
// The Go renderer.
// ---------------------------------------------------------------------------------------------

let renderer: InjectRenderer;

function runRenderer(request: object): string {
  return renderer.run(request);
}

/** Renders one template of the generated `config` key, with the generated `values` key, like istiod. */
function renderTemplate(name: 'sidecar' | 'gateway' | 'grpc-agent' | 'grpc-simple', values: InjectionValues, data: object): Overlay {
  const text = runRenderer({
    config: buildInjectorConfig(CONCRETE, values),
    values: buildInjectorValues(CONCRETE, values),
    templateName: name,
    data,
  });
  const parsed = yaml.load(text) as Overlay;
  expect(parsed).toBeDefined();
  return parsed;
}

function summarize(values: InjectionValues): ConfigSummary {
  return JSON.parse(runRenderer({ config: buildInjectorConfig(CONCRETE, values), values: buildInjectorValues(CONCRETE, values) })) as ConfigSummary;
}

function container(list: readonly Container[] | undefined, name: string): Container {
  const found = (list ?? []).find((c) => c.name === name);
  if (found === undefined) {
    throw new Error(`container ${name} not rendered`);
  }
  return found;
}

function envValue(c: Container, name: string): string | undefined {
  return c.env?.find((e) => e.name === name)?.value;
}

function envNames(c: Container): string[] {
  return (c.env ?? []).map((e) => e.name);
}

/** Compares the values of the named environment variables at once, so a failure shows every mismatch. */
function expectEnvValues(c: Container, expected: Readonly<Record<string, string>>): void {
  const actual = Object.fromEntries(Object.keys(expected).map((name) => [name, envValue(c, name)]));
  expect(actual).toEqual(expected);
}

function mountNames(c: Container): string[] {
  return (c.volumeMounts ?? []).map((m) => m.name);
}

function mountPaths(c: Container): string[] {
  return (c.volumeMounts ?? []).map((m) => `${m.name}:${m.mountPath}`);
}

function volumeNames(volumes: readonly Volume[]): string[] {
  return volumes.map((v) => v.name);
}

function volumesByName(volumes: readonly Volume[]): Record<string, Volume> {
  return Object.fromEntries(volumes.map((v) => [v.name, v]));
}

/** The value following a flag in an args list. */
function argAfter(args: readonly string[] | undefined, flag: string): string | undefined {
  const list = args ?? [];
  const index = list.indexOf(flag);
  return index === -1 ? undefined : list[index + 1];
}

/**
 * Merges the overlay into the application pod roughly as the strategic merge patch does (containers
 * and volumes by name) and validates the result against the Kubernetes Pod schema.
 */
function validateMergedPod(overlay: Overlay, data: object): void {
  const appSpec = (data as { Spec: { containers: readonly object[]; serviceAccountName: string } }).Spec;
  const pod = new Pod({
    metadata: { name: 'reviews-1', namespace: 'shop', labels: overlay.metadata.labels, annotations: overlay.metadata.annotations },
    spec: {
      serviceAccountName: appSpec.serviceAccountName,
      initContainers: (overlay.spec.initContainers ?? []) as never,
      containers: [...appSpec.containers, ...(overlay.spec.containers ?? [])] as never,
      volumes: overlay.spec.volumes as never,
      imagePullSecrets: overlay.spec.imagePullSecrets as never,
      securityContext: overlay.spec.securityContext as never,
    },
  });
  expect(() => pod.validate()).not.toThrow();
}

beforeAll(() => {
  renderer = buildInjectRenderer();
});

afterAll(() => {
  renderer?.dispose();
});

// ---------------------------------------------------------------------------------------------
// `config` and `values` keys.
// ---------------------------------------------------------------------------------------------


describe('buildInjectorConfig', () => {
  test('is loadable by the injector and carries every template verbatim', () => {
    // GIVEN the default values
    const values = defaultValues();

    // WHEN the config key is built and loaded the way istiod loads it
    const text = buildInjectorConfig(CONCRETE, values);
    const summary = summarize(values);
    const parsed = yaml.load(text) as { templates: Record<string, string> };

    // THEN every template parses, the policy is enabled and the selectors are empty
    expect(summary.policy).toBe('enabled');
    expect(summary.defaultTemplates).toEqual(['sidecar']);
    expect(summary.templates).toEqual(['gateway', 'grpc-agent', 'grpc-simple', 'kube-gateway', 'sidecar', 'waypoint']);
    expect(summary.alwaysInjectSelector).toEqual([]);
    expect(summary.neverInjectSelector).toEqual([]);
    expect(summary.injectedAnnotations).toEqual({});
    // AND the YAML round-trips the template text exactly, as block scalars
    expect(parsed.templates.sidecar).toBe(SIDECAR_TEMPLATE);
    expect(parsed.templates.gateway).toBe(GATEWAY_TEMPLATE);
    expect(parsed.templates['kube-gateway']).toBe(KUBE_GATEWAY_TEMPLATE);
    expect(parsed.templates.waypoint).toBe(WAYPOINT_TEMPLATE);
    expect(parsed.templates['grpc-agent']).toBe(GRPC_AGENT_TEMPLATE);
    expect(parsed.templates['grpc-simple']).toBe(GRPC_SIMPLE_TEMPLATE);
    // AND upstream's templates except agentgateway: its class is off by default in istiod 1.30
    expect(Object.keys(parsed.templates).sort()).toEqual(['gateway', 'grpc-agent', 'grpc-simple', 'kube-gateway', 'sidecar', 'waypoint']);
    expect(text).toContain('  sidecar: |\n');
    // AND the output is deterministic
    expect(buildInjectorConfig(CONCRETE, defaultValues())).toBe(text);
  });

  test('switches the policy off when auto-injection is disabled', () => {
    // GIVEN values with auto-injection disabled
    const values = withValues({ autoInjection: false });

    // WHEN the config is loaded
    const summary = summarize(values);

    // THEN only opted-in pods are injected
    expect(summary.policy).toBe('disabled');
  });
});

describe('buildInjectorValues', () => {
  test('holds upstream\'s sections plus the istio-pack model, with sorted keys', () => {
    // GIVEN values with a cluster ID and hold-application enabled
    const values = withValues({ global: { clusterId: 'east', network: 'net-east' }, proxy: { holdApplicationUntilProxyStarts: true } });

    // WHEN the values key is built
    const text = buildInjectorValues(CONCRETE, values);
    const parsed = JSON.parse(text) as Record<string, Record<string, unknown>>;

    // THEN upstream's sections and the model sections are present
    expect(Object.keys(parsed)).toEqual(['cni', 'gateways', 'global', 'mesh', 'pilot', 'revision', 'sidecarInjection', 'sidecarInjectorWebhook', 'trafficCapture']);
    expect(parsed.global.multiCluster).toEqual({ clusterName: 'east' });
    expect((parsed.global.proxy as Record<string, unknown>).holdApplicationUntilProxyStarts).toBe(true);
    expect(parsed.sidecarInjectorWebhook.rewriteAppHTTPProbe).toBe(true);
    expect(parsed.trafficCapture.includeIPRanges).toEqual(['*']);
    // AND keys are sorted at every depth
    expect(Object.keys(parsed.global)).toEqual([...Object.keys(parsed.global)].sort());
    // AND the typed fields decode as istiod's Go code reads them
    const summary = summarize(values);
    expect(summary.proxyImage).toBe('docker.io/istio/proxyv2:1.30.3');
    expect(summary.clusterName).toBe('east');
    expect(summary.network).toBe('net-east');
    expect(summary.holdApplicationUntilProxyStarts).toBe(true);
    expect(summary.rewriteAppHTTPProbe).toBe(true);
    // AND the output is deterministic
    expect(buildInjectorValues(CONCRETE, values)).toBe(text);
  });

  test('lets istiod derive the distroless proxy image from the variant', () => {
    // GIVEN the distroless variant
    const values = withValues({ global: { variant: 'distroless' } });

    // WHEN istiod computes the proxy image from the values
    const summary = summarize(values);

    // THEN the image tag carries the variant suffix
    expect(summary.proxyImage).toBe('docker.io/istio/proxyv2:1.30.3-distroless');
  });
});

// ---------------------------------------------------------------------------------------------
// Expected values shared by several templates.
// ---------------------------------------------------------------------------------------------

/** The unprivileged security context of istio-proxy (without TPROXY) and istio-validation: read-only root, UID/GID 1337. */
const HARDENED_PROXY_SECURITY = {
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: 1337,
  runAsGroup: 1337,
};

/** The readiness probe the sidecar and gateway templates give istio-proxy. */
const PROXY_READINESS_PROBE = {
  httpGet: { path: '/healthz/ready', port: 15021 },
  initialDelaySeconds: 0,
  periodSeconds: 15,
  timeoutSeconds: 3,
  failureThreshold: 4,
};

/** The environment upstream gives an injected istio-proxy (sidecar and kube-gateway), in order. */
const PROXY_ENV_NAMES = [
  'PILOT_CERT_PROVIDER', 'CA_ADDR', 'POD_NAME', 'POD_NAMESPACE', 'INSTANCE_IP', 'SERVICE_ACCOUNT', 'HOST_IP',
  'ISTIO_CPU_LIMIT', 'PROXY_CONFIG', 'ISTIO_META_POD_PORTS', 'ISTIO_META_APP_CONTAINERS', 'GOMEMLIMIT', 'GOMAXPROCS',
  'ISTIO_META_CLUSTER_ID', 'ISTIO_META_NODE_NAME', 'ISTIO_META_INTERCEPTION_MODE', 'ISTIO_META_WORKLOAD_NAME',
  'ISTIO_META_OWNER', 'ISTIO_META_MESH_ID', 'TRUST_DOMAIN',
];

/** The projected istiod token volume. */
const ISTIO_TOKEN_VOLUME = {
  name: 'istio-token',
  projected: { sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] },
};

/** The mesh root certificate volume. */
const ISTIOD_CA_CERT_VOLUME = { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } };

// ---------------------------------------------------------------------------------------------
// Sidecar template.
// ---------------------------------------------------------------------------------------------

describe('sidecar template', () => {
  test('injects istio-init and istio-proxy into a plain pod with default values', () => {
    // GIVEN a plain Deployment pod and the default values
    const data = podData();

    // WHEN the sidecar template is rendered
    const overlay = renderTemplate('sidecar', defaultValues(), data);

    // THEN the pod metadata carries the mesh labels and annotations
    expect(overlay.metadata.labels).toEqual({
      'security.istio.io/tlsMode': 'istio',
      'service.istio.io/canonical-name': 'reviews',
      'service.istio.io/canonical-revision': 'v2',
    });
    expect(overlay.metadata.annotations).toEqual({
      'istio.io/rev': 'default',
      'kubectl.kubernetes.io/default-logs-container': 'reviews',
      'kubectl.kubernetes.io/default-container': 'reviews',
    });

    // AND istio-init programs iptables with the default capture settings
    const init = container(overlay.spec.initContainers, 'istio-init');
    expect(overlay.spec.initContainers).toHaveLength(1);
    expect(init.image).toBe('docker.io/istio/proxyv2:1.30.3');
    expect(init.args).toEqual([
      'istio-iptables',
      '-p', '15001',
      '-z', '15006',
      '-u', '1337',
      '-m', 'REDIRECT',
      '-i', '*',
      '-x', '',
      '-b', '*',
      '-d', '15090,15021,15020',
      '--log_output_level=default:info',
    ]);
    expect(init.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
      readOnlyRootFilesystem: false,
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
    });

    // AND istio-proxy is a regular container
    const proxy = container(overlay.spec.containers, 'istio-proxy');
    expect(proxy.restartPolicy).toBeUndefined();
    expect(proxy.image).toBe('docker.io/istio/proxyv2:1.30.3');
    expect(proxy.imagePullPolicy).toBe('IfNotPresent');
    expect(proxy.args).toEqual([
      'proxy',
      'sidecar',
      '--domain',
      '$(POD_NAMESPACE).svc.cluster.local',
      '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error',
      '--log_output_level=default:info',
    ]);
    expect(proxy.ports).toEqual([{ name: 'http-envoy-prom', containerPort: 15090, protocol: 'TCP' }]);
    expect(proxy.startupProbe).toEqual({
      httpGet: { path: '/healthz/ready', port: 15021 },
      initialDelaySeconds: 0,
      periodSeconds: 1,
      timeoutSeconds: 3,
      failureThreshold: 600,
    });
    expect(proxy.readinessProbe).toEqual(PROXY_READINESS_PROBE);
    expect(proxy.securityContext).toEqual(HARDENED_PROXY_SECURITY);
    expect(proxy.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '2000m', memory: '1024Mi' },
    });
    expect(proxy.lifecycle).toBeUndefined();

    // AND the environment matches upstream's variables
    expect(envNames(proxy)).toEqual(PROXY_ENV_NAMES);
    expectEnvValues(proxy, {
      'PILOT_CERT_PROVIDER': 'istiod',
      'CA_ADDR': 'istiod.istio-system.svc:15012',
      'ISTIO_META_APP_CONTAINERS': 'reviews',
      'ISTIO_META_CLUSTER_ID': 'Kubernetes',
      'ISTIO_META_INTERCEPTION_MODE': 'REDIRECT',
      'ISTIO_META_WORKLOAD_NAME': 'reviews',
      'ISTIO_META_OWNER': 'kubernetes://apis/apps/v1/namespaces/shop/deployments/reviews',
      'ISTIO_META_MESH_ID': 'cluster.local',
      'TRUST_DOMAIN': 'cluster.local',
    });
    expect(JSON.parse(envValue(proxy, 'PROXY_CONFIG') ?? '')).toEqual({ discoveryAddress: 'istiod.istio-system.svc:15012' });
    expect(JSON.parse(envValue(proxy, 'ISTIO_META_POD_PORTS') ?? '')).toEqual([{ name: 'http', containerPort: 9080, protocol: 'TCP' }]);
    expect(proxy.env?.find((e) => e.name === 'GOMAXPROCS')?.valueFrom?.resourceFieldRef).toEqual({ resource: 'limits.cpu', divisor: '1' });
    expect(proxy.env?.find((e) => e.name === 'GOMEMLIMIT')?.valueFrom?.resourceFieldRef).toEqual({ resource: 'limits.memory', divisor: '1' });

    // AND the proxy mounts and the pod volumes are those upstream adds
    expect(mountPaths(proxy)).toEqual([
      'workload-socket:/var/run/secrets/workload-spiffe-uds',
      'credential-socket:/var/run/secrets/credential-uds',
      'workload-certs:/var/run/secrets/workload-spiffe-credentials',
      'istiod-ca-cert:/var/run/secrets/istio',
      'istio-ca-crl:/var/run/secrets/istio/crl',
      'istio-data:/var/lib/istio/data',
      'istio-envoy:/etc/istio/proxy',
      'istio-token:/var/run/secrets/tokens',
      'istio-podinfo:/etc/istio/pod',
    ]);
    expect(volumeNames(overlay.spec.volumes)).toEqual([
      'workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo',
      'istio-token', 'istiod-ca-cert', 'istio-ca-crl',
    ]);
    const volumes = volumesByName(overlay.spec.volumes);
    expect(volumes['istio-envoy']).toEqual({ name: 'istio-envoy', emptyDir: { medium: 'Memory' } });
    expect(volumes['istio-token']).toEqual(ISTIO_TOKEN_VOLUME);
    expect(volumes['istiod-ca-cert']).toEqual(ISTIOD_CA_CERT_VOLUME);
    expect(overlay.spec.imagePullSecrets).toBeUndefined();

    // AND the pod merged with the overlay is a valid Kubernetes Pod
    validateMergedPod(overlay, data);
  });

  test('passes configured IP ranges and port lists to istio-iptables', () => {
    // GIVEN values that capture only 10.0.0.0/8, skip the service CIDR and tune port lists
    const values = withValues({
      trafficCapture: {
        includeIPRanges: ['10.0.0.0/8'],
        excludeIPRanges: ['10.96.0.0/12'],
        excludeInboundPorts: [8080, 9090],
        includeOutboundPorts: [443],
        excludeOutboundPorts: [3306, 5432],
      },
    });

    // WHEN the sidecar template is rendered for a plain pod
    const overlay = renderTemplate('sidecar', values, podData());

    // THEN istio-init carries the ranges and port lists
    const args = container(overlay.spec.initContainers, 'istio-init').args;
    expect(argAfter(args, '-i')).toBe('10.0.0.0/8');
    expect(argAfter(args, '-x')).toBe('10.96.0.0/12');
    expect(argAfter(args, '-b')).toBe('*');
    expect(argAfter(args, '-d')).toBe('15090,15021,8080,9090,15020');
    expect(argAfter(args, '-q')).toBe('443');
    expect(argAfter(args, '-o')).toBe('3306,5432');
    // AND no CNI annotations are written without CNI
    expect(overlay.metadata.annotations['traffic.sidecar.istio.io/includeOutboundIPRanges']).toBeUndefined();
  });

  test('lets pod annotations override the configured capture settings', () => {
    // GIVEN configured ranges and a pod overriding them with annotations
    const values = withValues({ trafficCapture: { includeIPRanges: ['10.0.0.0/8'], excludeIPRanges: ['10.96.0.0/12'] } });
    const data = podData({
      annotations: {
        'traffic.sidecar.istio.io/excludeOutboundIPRanges': '169.254.169.254/32',
        'traffic.sidecar.istio.io/includeInboundPorts': '9080',
        'traffic.sidecar.istio.io/excludeOutboundPorts': '25',
        'status.sidecar.istio.io/port': '15999',
        'sidecar.istio.io/interceptionMode': 'TPROXY',
      },
    });

    // WHEN the sidecar template is rendered
    const overlay = renderTemplate('sidecar', values, data);

    // THEN the annotation values win over the values
    const init = container(overlay.spec.initContainers, 'istio-init');
    expect(argAfter(init.args, '-i')).toBe('10.0.0.0/8');
    expect(argAfter(init.args, '-x')).toBe('169.254.169.254/32');
    expect(argAfter(init.args, '-b')).toBe('9080');
    expect(argAfter(init.args, '-d')).toBe('15090,15021,15999');
    expect(argAfter(init.args, '-o')).toBe('25');
    expect(argAfter(init.args, '-m')).toBe('TPROXY');
    expect(argAfter(init.args, '-u')).toBe('1337');
    // AND TPROXY runs the proxy as root with NET_ADMIN
    const proxy = container(overlay.spec.containers, 'istio-proxy');
    expect(envValue(proxy, 'ISTIO_META_INTERCEPTION_MODE')).toBe('TPROXY');
    expect(proxy.securityContext?.capabilities).toEqual({ add: ['NET_ADMIN'], drop: ['ALL'] });
    expect(proxy.securityContext?.runAsUser).toBe(0);
    expect(proxy.securityContext?.runAsGroup).toBe(1337);
    expect(proxy.securityContext?.runAsNonRoot).toBe(false);
  });

  test('uses istio-validation and writes capture annotations when CNI is enabled', () => {
    // GIVEN CNI enabled and configured ranges
    const values = withValues({
      cni: { enabled: true, provider: 'default' },
      trafficCapture: { includeIPRanges: ['10.0.0.0/8'], excludeIPRanges: ['10.96.0.0/12'], excludeOutboundPorts: [3306] },
    });

    // WHEN the sidecar template is rendered
    const data = podData();
    const overlay = renderTemplate('sidecar', values, data);

    // THEN the init container only validates the CNI-installed rules, unprivileged
    expect((overlay.spec.initContainers ?? []).map((c) => c.name)).toEqual(['istio-validation']);
    const validation = container(overlay.spec.initContainers, 'istio-validation');
    expect(validation.args?.slice(-2)).toEqual(['--run-validation', '--skip-rule-apply']);
    expect(argAfter(validation.args, '-i')).toBe('10.0.0.0/8');
    expect(validation.securityContext).toEqual(HARDENED_PROXY_SECURITY);
    // AND the resolved capture settings are handed to the CNI plugin as pod annotations
    expect(overlay.metadata.annotations).toMatchObject({
      'sidecar.istio.io/interceptionMode': 'REDIRECT',
      'traffic.sidecar.istio.io/includeOutboundIPRanges': '10.0.0.0/8',
      'traffic.sidecar.istio.io/excludeOutboundIPRanges': '10.96.0.0/12',
      'traffic.sidecar.istio.io/includeInboundPorts': '*',
      'traffic.sidecar.istio.io/excludeInboundPorts': '15020',
      'traffic.sidecar.istio.io/excludeOutboundPorts': '3306',
    });
    expect(overlay.metadata.annotations['traffic.sidecar.istio.io/includeOutboundPorts']).toBeUndefined();
    validateMergedPod(overlay, data);
  });

  test('asks Multus for the istio-cni attachment when the CNI provider is multus (OpenShift)', () => {
    // GIVEN CNI through Multus, as global.platform openshift sets it, and a pod already on one network
    const values = withValues({ cni: { enabled: true, provider: 'multus' } });
    const data = podData({ annotations: { 'k8s.v1.cni.cncf.io/networks': 'macvlan-conf' } });

    // WHEN the sidecar template is rendered
    const overlay = renderTemplate('sidecar', values, data);

    // THEN upstream's default/istio-cni attachment is appended to the pod's networks, once
    expect(overlay.metadata.annotations['k8s.v1.cni.cncf.io/networks']).toBe('macvlan-conf, default/istio-cni');
    // AND without Multus the annotation is never written
    const plain = renderTemplate('sidecar', withValues({ cni: { enabled: true, provider: 'default' } }), data);
    expect(plain.metadata.annotations['k8s.v1.cni.cncf.io/networks']).toBeUndefined();
  });

  test('renders istio-proxy as a native sidecar init container when native sidecars are on', () => {
    // GIVEN native sidecar support
    const data = podData({ nativeSidecars: true });

    // WHEN the sidecar template is rendered
    const overlay = renderTemplate('sidecar', defaultValues(), data);

    // THEN istio-proxy is an always-restarting init container after istio-init, with a drain hook
    expect(overlay.spec.containers).toBeUndefined();
    expect((overlay.spec.initContainers ?? []).map((c) => c.name)).toEqual(['istio-init', 'istio-proxy']);
    const proxy = container(overlay.spec.initContainers, 'istio-proxy');
    expect(proxy.restartPolicy).toBe('Always');
    expect(proxy.lifecycle?.preStop?.exec.command).toEqual(['pilot-agent', 'request', '--debug-port=15020', 'POST', 'drain']);
    validateMergedPod(overlay, data);
  });

  test('holds the application until the proxy starts when configured', () => {
    // GIVEN holdApplicationUntilProxyStarts in the values, without native sidecars
    const values = withValues({ proxy: { holdApplicationUntilProxyStarts: true } });

    // WHEN the sidecar template is rendered
    const overlay = renderTemplate('sidecar', values, podData());

    // THEN the proxy blocks container start-up until it is ready
    const proxy = container(overlay.spec.containers, 'istio-proxy');
    expect(proxy.lifecycle).toEqual({ postStart: { exec: { command: ['pilot-agent', 'wait'] } } });
  });

  test('takes proxy resources from the resource annotations when any is set', () => {
    // GIVEN a pod asking for a CPU request and a memory limit
    const data = podData({ annotations: { 'sidecar.istio.io/proxyCPU': '250m', 'sidecar.istio.io/proxyMemoryLimit': '512Mi' } });

    // WHEN the sidecar template is rendered
    const overlay = renderTemplate('sidecar', defaultValues(), data);

    // THEN only the annotated resources are set, on the proxy and on istio-init
    const expected = { requests: { cpu: '250m' }, limits: { memory: '512Mi' } };
    expect(container(overlay.spec.containers, 'istio-proxy').resources).toEqual(expected);
    expect(container(overlay.spec.initContainers, 'istio-init').resources).toEqual(expected);
  });

  test('follows revision, network, mesh ID, JSON logging and pull secrets from the values', () => {
    // GIVEN a canary revision on a named network with pull secrets
    const values = withValues({
      global: { revision: 'canary', network: 'net-1', meshId: 'mesh-1', logAsJson: true, imagePullSecrets: ['regcred'], clusterId: 'c1' },
    });

    // WHEN the sidecar template is rendered for a pod injected by that revision
    const data = podData({ revision: 'canary' });
    const overlay = renderTemplate('sidecar', values, data);

    // THEN the proxy talks to the canary istiod and reports the network and mesh
    const proxy = container(overlay.spec.containers, 'istio-proxy');
    expect(overlay.metadata.annotations['istio.io/rev']).toBe('canary');
    expect(envValue(proxy, 'CA_ADDR')).toBe('istiod-canary.istio-system.svc:15012');
    expect(envValue(proxy, 'ISTIO_META_NETWORK')).toBe('net-1');
    expect(envValue(proxy, 'ISTIO_META_MESH_ID')).toBe('mesh-1');
    expect(envValue(proxy, 'ISTIO_META_CLUSTER_ID')).toBe('c1');
    expect(proxy.args).toContain('--log_as_json');
    expect(container(overlay.spec.initContainers, 'istio-init').args).toContain('--log_as_json');
    expect(overlay.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    validateMergedPod(overlay, data);
  });
});

// ---------------------------------------------------------------------------------------------
// Gateway template.
// ---------------------------------------------------------------------------------------------

/**
 * Merges a proxyless-gRPC overlay into the application pod as the strategic merge patch does for
 * these templates (containers merged by name, their env and volume mounts appended) and validates
 * the result against the Kubernetes Pod schema; returns the merged containers.
 */
function validateGrpcPod(overlay: Overlay, data: object): Container[] {
  const appSpec = (data as { Spec: { containers: readonly Container[]; serviceAccountName: string } }).Spec;
  const merged: Container[] = (overlay.spec.containers ?? []).map((c) => {
    const app = appSpec.containers.find((a) => a.name === c.name);
    return app === undefined ? c : { ...app, env: [...(app.env ?? []), ...(c.env ?? [])], volumeMounts: [...(app.volumeMounts ?? []), ...(c.volumeMounts ?? [])] };
  });
  const pod = new Pod({
    metadata: { name: 'reviews-1', namespace: 'shop', annotations: overlay.metadata.annotations },
    spec: {
      serviceAccountName: appSpec.serviceAccountName,
      initContainers: (overlay.spec.initContainers ?? []) as never,
      containers: merged as never,
      volumes: overlay.spec.volumes as never,
    },
  });
  expect(() => pod.validate()).not.toThrow();
  // Every mounted volume is one the overlay adds.
  const volumes = volumeNames(overlay.spec.volumes);
  for (const c of [...merged, ...(overlay.spec.initContainers ?? [])]) {
    for (const name of mountNames(c)) {
      expect(volumes).toContain(name);
    }
  }
  return merged;
}

describe('grpc templates', () => {
  test('grpc-agent gives a pod annotated for it the agent and the gRPC xDS bootstrap', () => {
    // GIVEN a pod asking for the grpc-agent template
    const data = podData({ annotations: { 'inject.istio.io/templates': 'grpc-agent' } });

    // WHEN istiod renders the template it names
    const overlay = renderTemplate('grpc-agent', defaultValues(), data);

    // THEN the agent runs beside the application without Envoy and without traffic capture
    const merged = validateGrpcPod(overlay, data);
    expect(merged.map((c) => c.name)).toEqual(['istio-proxy', 'reviews']);
    expect(overlay.spec.initContainers).toBeUndefined();
    const proxy = container(overlay.spec.containers, 'istio-proxy');
    expect(proxy.image).toBe('docker.io/istio/proxyv2:1.30.3');
    expectEnvValues(proxy, { ISTIO_META_GENERATOR: 'grpc', DISABLE_ENVOY: 'true', OUTPUT_CERTS: '/var/lib/istio/data', CA_ADDR: 'istiod.istio-system.svc:15012' });
    // AND the application finds the agent's bootstrap and certificates
    const app = container(overlay.spec.containers, 'reviews');
    expectEnvValues(app, { GRPC_XDS_BOOTSTRAP: '/etc/istio/proxy/grpc-bootstrap.json', GRPC_XDS_EXPERIMENTAL_SECURITY_SUPPORT: 'true' });
    expect(mountPaths(app)).toEqual(['istio-data:/var/lib/istio/data', 'istio-xds:/etc/istio/proxy', 'workload-certs:/var/run/secrets/workload-spiffe-credentials']);
    expect(overlay.metadata.annotations['sidecar.istio.io/rewriteAppHTTPProbers']).toBe('false');
  });

  test('grpc-simple bootstraps the application against istiod without an agent', () => {
    // GIVEN a pod asking for the grpc-simple template
    const data = podData({ annotations: { 'inject.istio.io/templates': 'grpc-simple' } });

    // WHEN istiod renders it
    const overlay = renderTemplate('grpc-simple', defaultValues(), data);

    // THEN an init container writes the bootstrap that the application is pointed at
    validateGrpcPod(overlay, data);
    const init = container(overlay.spec.initContainers, 'grpc-bootstrap-init');
    expectEnvValues(init, { ISTIO_NAMESPACE: 'istio-system' });
    expect(container(overlay.spec.containers, 'reviews').env?.find((e) => e.name === 'GRPC_XDS_BOOTSTRAP')?.value).toBe('/var/lib/grpc/data/bootstrap.json');
  });
});

describe('gateway template', () => {
  test('renders a router proxy for a gateway pod', () => {
    // GIVEN a gateway Deployment pod with an `auto` istio-proxy container
    const data = podData({
      deploymentName: 'istio-ingressgateway',
      labels: { 'istio': 'ingressgateway', 'app': 'istio-ingressgateway' },
      annotations: { 'inject.istio.io/templates': 'gateway' },
      containers: [{ name: 'istio-proxy', image: 'auto' }],
    });

    // WHEN the gateway template is rendered
    const overlay = renderTemplate('gateway', defaultValues(), data);

    // THEN the pod may bind low ports and gets no init container
    expect(overlay.spec.initContainers).toBeUndefined();
    expect(overlay.spec.securityContext).toEqual({ sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] });
    expect(overlay.metadata.labels).toEqual({
      'service.istio.io/canonical-name': 'istio-ingressgateway',
      'service.istio.io/canonical-revision': 'latest',
    });
    expect(overlay.metadata.annotations).toEqual({ 'istio.io/rev': 'default' });
    // AND istio-proxy runs in router mode with the proxy image and a readiness probe
    const proxy = container(overlay.spec.containers, 'istio-proxy');
    expect(proxy.image).toBe('docker.io/istio/proxyv2:1.30.3');
    expect(proxy.args?.slice(0, 4)).toEqual(['proxy', 'router', '--domain', '$(POD_NAMESPACE).svc.cluster.local']);
    expect(proxy.ports).toEqual([{ name: 'http-envoy-prom', containerPort: 15090, protocol: 'TCP' }]);
    expect(proxy.securityContext).toEqual({ runAsUser: 1337, runAsGroup: 1337 });
    expect(proxy.readinessProbe).toEqual(PROXY_READINESS_PROBE);
    expect(proxy.startupProbe).toBeUndefined();
    expect(proxy.resources).toBeUndefined();
    expectEnvValues(proxy, {
      'CA_ADDR': 'istiod.istio-system.svc:15012',
      'ISTIO_META_WORKLOAD_NAME': 'istio-ingressgateway',
      'ISTIO_META_APP_CONTAINERS': '',
    });
    expect(JSON.parse(envValue(proxy, 'ISTIO_META_POD_PORTS') ?? '')).toEqual([]);
    expect(volumeNames(overlay.spec.volumes)).toEqual([
      'workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo',
      'istio-token', 'istiod-ca-cert',
    ]);
    // AND the gateway pod is valid once the `auto` container takes the rendered fields
    const merged = new Pod({
      metadata: { name: 'gw-1', namespace: 'shop' },
      spec: { containers: [proxy] as never, volumes: overlay.spec.volumes as never, securityContext: overlay.spec.securityContext as never },
    });
    expect(() => merged.validate()).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Deployment-controller templates (kube-gateway, waypoint).
// ---------------------------------------------------------------------------------------------

interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
}

interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly OwnerReference[];
}

interface ServicePort {
  readonly name: string;
  readonly port: number;
  readonly protocol?: string;
  readonly appProtocol?: string;
}

interface RenderedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly spec: Record<string, any>;
}

interface GatewayPodSpec {
  readonly serviceAccountName: string;
  readonly securityContext?: Record<string, unknown>;
  readonly initContainers?: readonly Container[];
  readonly containers: readonly (Container & { readonly ports: readonly object[] })[];
  readonly volumes: readonly Volume[];
  readonly imagePullSecrets?: readonly { readonly name: string }[];
}

interface GatewayDeployment extends RenderedObject {
  readonly spec: {
    readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
    readonly template: {
      readonly metadata: { readonly labels: Readonly<Record<string, string>>; readonly annotations: Readonly<Record<string, string>> };
      readonly spec: GatewayPodSpec;
    };
  };
}

interface GatewayService extends RenderedObject {
  readonly spec: {
    readonly type: string;
    readonly ipFamilyPolicy: string;
    readonly selector: Readonly<Record<string, string>>;
    readonly ports: readonly ServicePort[];
    readonly loadBalancerIP?: string;
  };
}

/** What inject-render reports for a `deployment` request (see DeploymentResult in main.go). */
interface DeploymentResult {
  readonly template: string;
  readonly deploymentName: string;
  readonly serviceAccount: string;
  readonly serviceType: string;
  readonly rendered: string;
  readonly objects: readonly {
    readonly apiVersion: string;
    readonly kind: string;
    readonly name: string;
    readonly namespace: string;
    readonly action: 'apply' | 'drop';
    readonly managedBy?: string;
  }[];
}

interface RenderedGateway {
  readonly result: DeploymentResult;
  readonly documents: readonly RenderedObject[];
  readonly serviceAccount: RenderedObject;
  readonly deployment: GatewayDeployment;
  readonly proxy: Container & { readonly ports: readonly object[] };
  readonly service: GatewayService;
  readonly hpa: RenderedObject;
  readonly pdb: RenderedObject;
}

interface GatewayResource {
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly uid: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly spec: {
    readonly gatewayClassName: string;
    readonly listeners: readonly { readonly name: string; readonly port: number; readonly protocol: string }[];
    readonly addresses?: readonly { readonly type?: string; readonly value: string }[];
    readonly infrastructure?: {
      readonly labels?: Readonly<Record<string, string>>;
      readonly annotations?: Readonly<Record<string, string>>;
    };
  };
}

/** A Gateway of class `istio` listening on 80 (HTTP) and 443 (HTTPS), as a user would apply it. */
function webGateway(patch: { readonly annotations?: Record<string, string>; readonly spec?: Partial<GatewayResource['spec']> } = {}): GatewayResource {
  return {
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: '3f0e4a52-8d7c-4c1e-9a55-2d1b6f0c7e11',
      labels: { team: 'storefront' },
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Gateway"}',
        'gateway.istio.io/controller-version': '5',
        'example.com/owner': 'shop-team',
        ...patch.annotations,
      },
    },
    spec: {
      gatewayClassName: 'istio',
      listeners: [
        { name: 'http', port: 80, protocol: 'HTTP' },
        { name: 'https', port: 443, protocol: 'HTTPS' },
      ],
      ...patch.spec,
    },
  };
}

/** A namespace waypoint as `istioctl waypoint apply` creates it. */
function waypointGateway(): GatewayResource {
  return {
    metadata: {
      name: 'waypoint',
      namespace: 'shop',
      uid: '9b2d7c44-1f3a-4e8b-b0c2-5a6e7d8f9a01',
      labels: { 'istio.io/waypoint-for': 'service' },
    },
    spec: {
      gatewayClassName: 'istio-waypoint',
      listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
    },
  };
}

/** The TemplateInput fields istiod takes from its environment, shaped like istiod's derivedInput. */
function controllerData(gateway: GatewayResource, extra: Record<string, unknown> = {}): object {
  return {
    Gateway: gateway,
    KubeVersion: 130,
    Revision: 'default',
    ClusterID: 'Kubernetes',
    ProxyConfig: { discoveryAddress: 'istiod.istio-system.svc:15012' },
    MeshConfig: { trustDomain: 'cluster.local' },
    ...extra,
  };
}

function onlyObject<T extends RenderedObject>(documents: readonly RenderedObject[], kind: string): T {
  const found = documents.filter((d) => d.kind === kind);
  expect(found).toHaveLength(1);
  return found[0] as T;
}

/**
 * Renders a Gateway the way istiod's deployment controller does: the class picks the template out of
 * the generated `config` key, the template data is derived from the Gateway, and every produced
 * document is parsed with js-yaml.
 */
function renderGateway(
  values: InjectionValues,
  data: object,
  options: { readonly ambient?: boolean; readonly config?: string } = {},
): RenderedGateway {
  const result = JSON.parse(runRenderer({
    input: 'deployment',
    ambient: options.ambient ?? false,
    config: options.config ?? buildInjectorConfig(CONCRETE, values),
    values: buildInjectorValues(CONCRETE, values),
    data,
  })) as DeploymentResult;
  const documents = yaml.loadAll(result.rendered).filter((d) => d !== null && d !== undefined) as RenderedObject[];
  const deployment = onlyObject<GatewayDeployment>(documents, 'Deployment');
  return {
    result,
    documents,
    serviceAccount: onlyObject(documents, 'ServiceAccount'),
    deployment,
    proxy: container(deployment.spec.template.spec.containers, 'istio-proxy') as Container & { readonly ports: readonly object[] },
    service: onlyObject<GatewayService>(documents, 'Service'),
    hpa: onlyObject(documents, 'HorizontalPodAutoscaler'),
    pdb: onlyObject(documents, 'PodDisruptionBudget'),
  };
}

/** Validates every rendered document against its Kubernetes schema (kubernetes-models). */
function validateGatewayObjects(rendered: RenderedGateway): void {
  expect(() => new ServiceAccount(rendered.serviceAccount as never).validate()).not.toThrow();
  expect(() => new Deployment(rendered.deployment as never).validate()).not.toThrow();
  expect(() => new Service(rendered.service as never).validate()).not.toThrow();
  expect(() => new HorizontalPodAutoscaler(rendered.hpa as never).validate()).not.toThrow();
  expect(() => new PodDisruptionBudget(rendered.pdb as never).validate()).not.toThrow();
  // The API server also requires the Deployment selector to match its pod template, and the Service
  // must select the gateway pods.
  const podLabels = rendered.deployment.spec.template.metadata.labels;
  expect(podLabels).toMatchObject(rendered.deployment.spec.selector.matchLabels);
  expect(podLabels).toMatchObject(rendered.service.spec.selector);
  expect(podLabels).toMatchObject(rendered.pdb.spec.selector.matchLabels);
}

const GATEWAY_PROBES = {
  startupProbe: {
    httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
    initialDelaySeconds: 1,
    periodSeconds: 1,
    timeoutSeconds: 1,
    successThreshold: 1,
    failureThreshold: 30,
  },
  readinessProbe: {
    httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
    initialDelaySeconds: 0,
    periodSeconds: 15,
    timeoutSeconds: 1,
    successThreshold: 1,
    failureThreshold: 4,
  },
};

const GATEWAY_CONTAINER_PORTS = [
  { name: 'metrics', containerPort: 15020, protocol: 'TCP' },
  { name: 'status-port', containerPort: 15021, protocol: 'TCP' },
  { name: 'http-envoy-prom', containerPort: 15090, protocol: 'TCP' },
];

/** The objects istiod's deployment controller renders for every Gateway, in order. */
const GATEWAY_OBJECT_TYPES = [
  'v1/ServiceAccount', 'apps/v1/Deployment', 'v1/Service', 'autoscaling/v2/HorizontalPodAutoscaler', 'policy/v1/PodDisruptionBudget',
];

/** The Service port every gateway Service exposes ahead of its listener ports. */
const STATUS_SERVICE_PORT = { name: 'status-port', port: 15021, protocol: 'TCP', appProtocol: 'tcp' };

/** What istiod derives from one Gateway: the template, the object names and the labels. */
interface GatewayExpectation {
  /** The injection template the GatewayClass picks. */
  readonly template: string;
  /** The Gateway's name, which the pods are selected by. */
  readonly gatewayName: string;
  /** The name of every rendered object, the ServiceAccount the pod runs as and its canonical name. */
  readonly objectName: string;
  /** The field manager istiod applies with, also the `gateway.istio.io/managed` label. */
  readonly managedBy: string;
  /** The labels every object carries. */
  readonly objectLabels: Readonly<Record<string, string>>;
}

/** What tells one rendered istio-proxy container from another. */
interface GatewayProxyExpectation {
  readonly args: readonly string[];
  readonly securityContext: object;
  readonly resources: object;
  readonly envNames: readonly string[];
  /** Environment values beyond those every gateway proxy with default values has. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The template picked; the five objects, all named after the Gateway in its namespace; and the
 * ServiceAccount, Deployment and Service applied by istiod with the expected field manager.
 */
function expectGatewayObjects(rendered: RenderedGateway, expected: GatewayExpectation): void {
  expect(rendered.result.template).toBe(expected.template);
  expect(rendered.documents.map((d) => `${d.apiVersion}/${d.kind}`)).toEqual(GATEWAY_OBJECT_TYPES);
  expect(rendered.documents.every((d) => d.metadata.name === expected.objectName && d.metadata.namespace === 'shop')).toBe(true);
  expect(rendered.result.objects.filter((o) => o.action === 'apply').map((o) => `${o.kind}:${o.managedBy}`)).toEqual([
    `ServiceAccount:${expected.managedBy}`, `Deployment:${expected.managedBy}`, `Service:${expected.managedBy}`,
  ]);
}

/** The ServiceAccount carries the object labels; the Deployment also the managed-by label. */
function expectObjectLabels(rendered: RenderedGateway, expected: GatewayExpectation): void {
  expect(rendered.serviceAccount.metadata.labels).toEqual(expected.objectLabels);
  expect(rendered.deployment.metadata.labels).toEqual({ ...expected.objectLabels, 'gateway.istio.io/managed': expected.managedBy });
}

/**
 * The Deployment selects its pods by gateway name, and the pod template carries the object labels,
 * the managed-by label, no injection, the given extra labels and the canonical service labels.
 */
function expectPodTemplateLabels(
  rendered: RenderedGateway,
  expected: GatewayExpectation,
  extraPodLabels: Readonly<Record<string, string>> = {},
): void {
  const deployment = rendered.deployment;
  expect(deployment.spec.selector).toEqual({ matchLabels: { 'gateway.networking.k8s.io/gateway-name': expected.gatewayName } });
  expect(deployment.spec.template.metadata.labels).toEqual({
    ...expected.objectLabels,
    'gateway.istio.io/managed': expected.managedBy,
    'sidecar.istio.io/inject': 'false',
    ...extraPodLabels,
    'service.istio.io/canonical-name': expected.objectName,
    'service.istio.io/canonical-revision': 'latest',
  });
}

/** The pod runs as the rendered ServiceAccount and holds only istio-proxy. */
function expectProxyOnlyPod(rendered: RenderedGateway, expected: GatewayExpectation): void {
  const pod = rendered.deployment.spec.template.spec;
  expect(pod.serviceAccountName).toBe(expected.objectName);
  expect(pod.containers.map((c) => c.name)).toEqual(['istio-proxy']);
}

/**
 * istio-proxy with the default proxy image, the gateway ports and probes, and the given args,
 * security context, resources and environment; with default values it reaches the default istiod
 * and reports the default cluster, REDIRECT interception and its Deployment as owner.
 */
function expectGatewayProxy(rendered: RenderedGateway, expected: GatewayExpectation, proxyExpected: GatewayProxyExpectation): void {
  const proxy = rendered.proxy;
  expect(proxy.image).toBe('docker.io/istio/proxyv2:1.30.3');
  expect(proxy.args).toEqual(proxyExpected.args);
  expect(proxy.ports).toEqual(GATEWAY_CONTAINER_PORTS);
  expect(proxy.securityContext).toEqual(proxyExpected.securityContext);
  expect(proxy.resources).toEqual(proxyExpected.resources);
  expect(proxy.startupProbe).toEqual(GATEWAY_PROBES.startupProbe);
  expect(proxy.readinessProbe).toEqual(GATEWAY_PROBES.readinessProbe);
  expect(envNames(proxy)).toEqual(proxyExpected.envNames);
  expectEnvValues(proxy, {
    'CA_ADDR': 'istiod.istio-system.svc:15012',
    'ISTIO_META_CLUSTER_ID': 'Kubernetes',
    'ISTIO_META_INTERCEPTION_MODE': 'REDIRECT',
    'ISTIO_META_OWNER': `kubernetes://apis/apps/v1/namespaces/shop/deployments/${expected.objectName}`,
    ...proxyExpected.env,
  });
}

/** The Service spec istiod renders: the status port ahead of the listener ports, selecting the gateway pods. */
function gatewayServiceSpec(type: string, expected: GatewayExpectation, listenerPorts: readonly ServicePort[]): object {
  return {
    type,
    ipFamilyPolicy: 'PreferDualStack',
    selector: { 'gateway.networking.k8s.io/gateway-name': expected.gatewayName },
    ports: [STATUS_SERVICE_PORT, ...listenerPorts],
  };
}

describe('kube-gateway template', () => {
  test('deploys a router proxy, its Service and ServiceAccount for a Gateway of class istio', () => {
    // GIVEN a Gateway of class istio listening on 80 and 443, and the default values
    const gateway = webGateway();

    // WHEN istiod's deployment controller renders it
    const rendered = renderGateway(defaultValues(), controllerData(gateway));

    // THEN the class picks kube-gateway and the objects are named <gateway>-<class>
    const web: GatewayExpectation = {
      template: 'kube-gateway',
      gatewayName: 'web',
      objectName: 'web-istio',
      managedBy: 'istio.io-gateway-controller',
      objectLabels: {
        'team': 'storefront',
        'gateway.networking.k8s.io/gateway-name': 'web',
        'gateway.networking.k8s.io/gateway-class-name': 'istio',
      },
    };
    expectGatewayObjects(rendered, web);
    // AND istiod applies the ServiceAccount, Deployment and Service and drops the overlay-only HPA/PDB
    expect(rendered.result.objects.map((o) => `${o.kind}:${o.action}`)).toEqual([
      'ServiceAccount:apply', 'Deployment:apply', 'Service:apply', 'HorizontalPodAutoscaler:drop', 'PodDisruptionBudget:drop',
    ]);

    // AND every object carries the Gateway's labels, its copyable annotations and an owner reference
    const owner = [{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: 'web', uid: gateway.metadata.uid }];
    for (const document of rendered.documents) {
      expect(document.metadata.annotations).toEqual({ 'example.com/owner': 'shop-team' });
      expect(document.metadata.ownerReferences).toEqual(owner);
    }
    expectObjectLabels(rendered, web);

    // AND the Deployment selects the gateway pods by gateway name
    expectPodTemplateLabels(rendered, web);
    expect(rendered.deployment.spec.template.metadata.annotations).toEqual({
      'example.com/owner': 'shop-team',
      'istio.io/rev': 'default',
      'prometheus.io/path': '/stats/prometheus',
      'prometheus.io/port': '15020',
      'prometheus.io/scrape': 'true',
    });

    // AND the pod runs only istio-proxy, may bind 80/443 unprivileged and uses RuntimeDefault seccomp
    const pod = rendered.deployment.spec.template.spec;
    expectProxyOnlyPod(rendered, web);
    expect(pod.initContainers).toBeUndefined();
    expect(pod.securityContext).toEqual({
      sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.imagePullSecrets).toBeUndefined();

    // AND istio-proxy runs in router mode with the proxy image, hardened and with the proxy resources
    const proxy = rendered.proxy;
    expectGatewayProxy(rendered, web, {
      args: [
        'proxy', 'router', '--domain', '$(POD_NAMESPACE).svc.cluster.local',
        '--proxyLogLevel', 'warning', '--proxyComponentLogLevel', 'misc:error', '--log_output_level', 'default:info',
      ],
      securityContext: HARDENED_PROXY_SECURITY,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } },
      envNames: PROXY_ENV_NAMES,
      env: {
        'ISTIO_META_POD_PORTS': '[]',
        'ISTIO_META_APP_CONTAINERS': '',
        'ISTIO_META_WORKLOAD_NAME': 'web-istio',
        'ISTIO_META_MESH_ID': 'cluster.local',
        'TRUST_DOMAIN': 'cluster.local',
      },
    });
    expect(proxy.imagePullPolicy).toBe('IfNotPresent');
    expect(JSON.parse(envValue(proxy, 'PROXY_CONFIG') ?? '')).toEqual({ discoveryAddress: 'istiod.istio-system.svc:15012' });
    expect(mountPaths(proxy)).toEqual([
      'workload-socket:/var/run/secrets/workload-spiffe-uds',
      'credential-socket:/var/run/secrets/credential-uds',
      'workload-certs:/var/run/secrets/workload-spiffe-credentials',
      'istiod-ca-cert:/var/run/secrets/istio',
      'istio-data:/var/lib/istio/data',
      'istio-envoy:/etc/istio/proxy',
      'istio-token:/var/run/secrets/tokens',
      'istio-podinfo:/etc/istio/pod',
    ]);
    expect(volumeNames(pod.volumes)).toEqual([
      'workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert',
    ]);
    const volumes = volumesByName(pod.volumes);
    expect(volumes['istio-token']).toEqual(ISTIO_TOKEN_VOLUME);
    expect(volumes['istiod-ca-cert']).toEqual(ISTIOD_CA_CERT_VOLUME);

    // AND the LoadBalancer Service exposes the status port and both listener ports
    expect(rendered.service.spec).toEqual(gatewayServiceSpec('LoadBalancer', web, [
      { name: 'http', port: 80, protocol: 'TCP', appProtocol: 'http' },
      { name: 'https', port: 443, protocol: 'TCP', appProtocol: 'https' },
    ]));
    expect(rendered.service.metadata.labels).toEqual(web.objectLabels);

    // AND the overlay-only scaling objects target the gateway
    expect(rendered.hpa.spec).toEqual({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web-istio' }, maxReplicas: 1 });
    expect(rendered.pdb.spec).toEqual({ selector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'web' } } });

    // AND every object is valid for Kubernetes
    validateGatewayObjects(rendered);
  });

  test('follows Gateway annotations, infrastructure metadata and the values', () => {
    // GIVEN a canary revision with network, mesh ID, JSON logs and pull secrets
    const values = withValues({
      global: { revision: 'canary', network: 'net-1', meshId: 'mesh-1', logAsJson: true, imagePullSecrets: ['regcred'], clusterId: 'east' },
      proxy: { resources: { requests: { cpu: '250m', memory: '' }, limits: { cpu: '', memory: '512Mi' } } },
    });
    // AND a Gateway renaming its objects, asking for a ClusterIP Service, a custom image and debug logs,
    // with infrastructure metadata that replaces its own labels and annotations
    const gateway = webGateway({
      annotations: {
        'gateway.istio.io/name-override': 'edge',
        'gateway.istio.io/service-account': 'edge-sa',
        'networking.istio.io/service-type': 'ClusterIP',
        'sidecar.istio.io/proxyImage': 'registry.example.com/istio/proxyv2:1.30.3-patched',
        'sidecar.istio.io/logLevel': 'debug',
      },
      spec: {
        infrastructure: {
          labels: { 'topology.istio.io/network': 'net-2', 'gateway.networking.k8s.io/ignored': 'x' },
          annotations: { 'example.com/tier': 'edge' },
        },
      },
    });

    // WHEN it is rendered by a canary istiod on Kubernetes 1.27 with proxy metadata
    const rendered = renderGateway(values, controllerData(gateway, {
      KubeVersion: 127,
      Revision: 'canary',
      ProxyConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' } },
    }));

    // THEN the overrides name the objects and the Service type
    expect(rendered.deployment.metadata.name).toBe('edge');
    expect(rendered.service.metadata.name).toBe('edge');
    expect(rendered.serviceAccount.metadata.name).toBe('edge-sa');
    expect(rendered.deployment.spec.template.spec.serviceAccountName).toBe('edge-sa');
    expect(rendered.service.spec.type).toBe('ClusterIP');
    // AND the ServiceAccount has no owner before Kubernetes 1.28
    expect(rendered.serviceAccount.metadata.ownerReferences).toBeUndefined();
    // AND the infrastructure metadata (minus the gateway.networking.k8s.io/ prefix) replaces the Gateway's
    expect(rendered.service.metadata.labels).toEqual({
      'topology.istio.io/network': 'net-2',
      'gateway.networking.k8s.io/gateway-name': 'web',
      'gateway.networking.k8s.io/gateway-class-name': 'istio',
    });
    expect(rendered.deployment.metadata.annotations).toEqual({ 'example.com/tier': 'edge' });
    expect(rendered.deployment.spec.template.metadata.annotations['istio.io/rev']).toBe('canary');

    // AND the proxy follows the annotations and values
    const proxy = rendered.proxy;
    expect(proxy.image).toBe('registry.example.com/istio/proxyv2:1.30.3-patched');
    expect(argAfter(proxy.args, '--proxyLogLevel')).toBe('debug');
    expect(proxy.args?.[proxy.args.length - 1]).toBe('--log_as_json');
    expect(proxy.resources).toEqual({ requests: { cpu: '250m' }, limits: { memory: '512Mi' } });
    expectEnvValues(proxy, {
      'CA_ADDR': 'istiod-canary.istio-system.svc:15012',
      'ISTIO_META_CLUSTER_ID': 'east',
      'ISTIO_META_NETWORK': 'net-2',
      'ISTIO_META_REQUESTED_NETWORK_VIEW': 'net-2',
      'ISTIO_META_MESH_ID': 'mesh-1',
      'ISTIO_META_DNS_CAPTURE': 'true',
      'ISTIO_META_WORKLOAD_NAME': 'edge',
    });
    expect(rendered.deployment.spec.template.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    validateGatewayObjects(rendered);
  });
  test('pins the LoadBalancer IP to the first Gateway address', () => {
    // GIVEN a Gateway asking for a specific IP
    const gateway = webGateway({ spec: { addresses: [{ type: 'IPAddress', value: '203.0.113.10' }] } });

    // WHEN it is rendered
    const rendered = renderGateway(defaultValues(), controllerData(gateway));

    // THEN the LoadBalancer Service requests that IP
    expect(rendered.service.spec.type).toBe('LoadBalancer');
    expect(rendered.service.spec.loadBalancerIP).toBe('203.0.113.10');
    validateGatewayObjects(rendered);
  });

  test('is what istiod needs: without it a Gateway of class istio cannot be deployed', () => {
    // GIVEN an injection config lacking the kube-gateway template
    const config = yaml.load(buildInjectorConfig(CONCRETE, defaultValues())) as { templates: Record<string, string> };
    delete config.templates['kube-gateway'];

    // WHEN istiod's deployment controller renders a Gateway of class istio with it
    const render = (): RenderedGateway => renderGateway(defaultValues(), controllerData(webGateway()), { config: yaml.dump(config) });

    // THEN rendering fails as in istiod
    expect(render).toThrow(/no "kube-gateway" template defined/);
  });
});

describe('waypoint template', () => {
  test('deploys a waypoint proxy, its ClusterIP Service and ServiceAccount', () => {
    // GIVEN ambient istiod on network net-1 and a namespace waypoint (HBONE listener on 15008)
    const values = withValues({ global: { network: 'net-1' } });
    const gateway = waypointGateway();

    // WHEN istiod's deployment controller renders it
    const rendered = renderGateway(values, controllerData(gateway), { ambient: true });

    // THEN the class picks the waypoint template and the objects are named after the Gateway
    const waypoint: GatewayExpectation = {
      template: 'waypoint',
      gatewayName: 'waypoint',
      objectName: 'waypoint',
      managedBy: 'istio.io-mesh-controller',
      objectLabels: {
        'istio.io/waypoint-for': 'service',
        'topology.istio.io/network': 'net-1',
        'gateway.networking.k8s.io/gateway-name': 'waypoint',
        'gateway.networking.k8s.io/gateway-class-name': 'istio-waypoint',
      },
    };
    expectGatewayObjects(rendered, waypoint);

    // AND the objects carry the Gateway's labels plus the network istiod defaults for waypoints
    expectObjectLabels(rendered, waypoint);
    expect(rendered.serviceAccount.metadata.ownerReferences).toEqual([
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: 'waypoint', uid: gateway.metadata.uid },
    ]);

    // AND the waypoint pod is kept out of ambient capture itself
    expectPodTemplateLabels(rendered, waypoint, { 'istio.io/dataplane-mode': 'none' });
    const pod = rendered.deployment.spec.template.spec;
    expectProxyOnlyPod(rendered, waypoint);
    expect(pod.securityContext).toBeUndefined();

    // AND istio-proxy runs in waypoint mode, hardened with RuntimeDefault seccomp and upstream's waypoint resources
    expectGatewayProxy(rendered, waypoint, {
      args: [
        'proxy', 'waypoint', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--serviceCluster', 'waypoint.$(POD_NAMESPACE)',
        '--proxyLogLevel', 'warning', '--proxyComponentLogLevel', 'misc:error', '--log_output_level', 'default:info',
      ],
      securityContext: { ...HARDENED_PROXY_SECURITY, seccompProfile: { type: 'RuntimeDefault' } },
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } },
      envNames: [
        'ISTIO_META_SERVICE_ACCOUNT', 'ISTIO_META_NODE_NAME', 'PILOT_CERT_PROVIDER', 'CA_ADDR', 'POD_NAME', 'POD_NAMESPACE',
        'INSTANCE_IP', 'SERVICE_ACCOUNT', 'HOST_IP', 'ISTIO_CPU_LIMIT', 'PROXY_CONFIG', 'GOMEMLIMIT', 'GOMAXPROCS',
        'ISTIO_META_CLUSTER_ID', 'ISTIO_META_NETWORK', 'ISTIO_META_INTERCEPTION_MODE', 'ISTIO_META_WORKLOAD_NAME',
        'ISTIO_META_OWNER', 'ISTIO_META_MESH_ID', 'TRUST_DOMAIN',
      ],
      env: { 'ISTIO_META_NETWORK': 'net-1' },
    });
    expect(mountNames(rendered.proxy)).toEqual([
      'workload-socket', 'istiod-ca-cert', 'istio-data', 'istio-envoy', 'istio-token', 'istio-podinfo',
    ]);
    expect(volumeNames(pod.volumes)).toEqual([
      'workload-socket', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert',
    ]);

    // AND the ClusterIP Service exposes the status port and HBONE, preferring close endpoints
    expect(rendered.service.metadata.annotations).toEqual({ 'networking.istio.io/traffic-distribution': 'PreferClose' });
    expect(rendered.service.spec).toEqual(gatewayServiceSpec('ClusterIP', waypoint, [
      { name: 'mesh', port: 15008, protocol: 'TCP', appProtocol: 'hbone' },
    ]));
    validateGatewayObjects(rendered);
  });
});
