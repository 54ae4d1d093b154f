/**
 * Generates varied, valid values files for property-based tests from a seed (same seed, same values):
 * gateway lists of 0–3 items with varied ports, Service types and replica ranges, addon toggles,
 * IP ranges, tracing, injection settings, CNI/ambient, istiod scaling, the validation failure policy,
 * extension providers and revision tags. Maps (annotations, env, node selectors, istiod env, mesh extra
 * config) have several keys written out of key order, so that output depending on insertion order
 * shows up as a difference.
 */

/** A small deterministic PRNG (mulberry32). */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  public next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  public int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  public bool(probability = 0.5): boolean {
    return this.next() < probability;
  }

  public pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }

  public sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const result: T[] = [];
    while (result.length < count && pool.length > 0) result.push(pool.splice(this.int(0, pool.length - 1), 1)[0]);
    return result;
  }
}

/**
 * `count` entries of `pool` (at least 2) in an order that is not key order: a seeded shuffle, reversed
 * when it happens to come out sorted.
 */
function unsortedMap<T>(random: Random, pool: Readonly<Record<string, T>>, count: number): Record<string, T> {
  const keys = random.sample(Object.keys(pool), Math.max(2, count));
  const sorted = keys.every((key, i) => i === 0 || keys[i - 1] < key);
  return Object.fromEntries((sorted ? keys.reverse() : keys).map((key) => [key, pool[key]]));
}

/** The same value with the keys of every map in reverse insertion order (lists keep their order). */
export function reverseKeyOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeyOrder);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).reverse().map((key) => [key, reverseKeyOrder((value as Record<string, unknown>)[key])]));
  }
  return value;
}

const SERVICE_ANNOTATIONS: Readonly<Record<string, string>> = {
  'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type': 'intranet',
  'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec': 'slb.s1.small',
  'example.com/owner': 'mesh-team',
  'a.example.com/cost-center': '1234',
  'zz.example.com/tier': 'edge',
};
const POD_ANNOTATIONS: Readonly<Record<string, string>> = {
  'example.com/team': 'mesh',
  'sidecar.istio.io/logLevel': 'warning',
  'a.example.com/on-call': 'platform',
  'proxy.istio.io/config': '{"concurrency": 2}',
};
const GATEWAY_ENV: Readonly<Record<string, string>> = {
  ISTIO_META_HTTP10: '1',
  ISTIO_META_ROUTER_MODE: 'standard',
  ZZ_EXTRA_FLAG: 'on',
  A_FIRST_FLAG: 'yes',
};
const NODE_SELECTOR: Readonly<Record<string, string>> = {
  'node-role': 'edge',
  'kubernetes.io/arch': 'amd64',
  'topology.kubernetes.io/zone': 'zone-b',
};
const ISTIOD_ENV: Readonly<Record<string, string>> = {
  PILOT_ENABLE_ALPHA_GATEWAY_API: 'true',
  PILOT_JWT_ENABLE_REMOTE_JWKS: 'envoy',
  ENABLE_NATIVE_SIDECARS: 'true',
  A_USER_FLAG: '1',
};

const PORT_NAMES = ['status-port', 'http2', 'https', 'tcp', 'tls', 'grpc', 'http-admin', 'tcp-db'];
const CIDRS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.169.254/32', 'fd00::/8'];

/** Node ports handed out in order, so that no two ports of one values file share one (the API server refuses that). */
class NodePorts {
  private next: number;

  constructor(random: Random) {
    this.next = 30000 + random.int(0, 2000);
  }

  public take(): number {
    return this.next++;
  }
}

function gatewayPorts(random: Random, exposed: boolean, nodePorts: NodePorts): Array<Record<string, unknown>> {
  const names = random.sample(PORT_NAMES, random.int(1, 4));
  const numbers = random.sample([80, 443, 8080, 15021, 15443, 31400, 9000, 5432], names.length);
  return names.map((name, index) => {
    const port: Record<string, unknown> = { name, port: numbers[index] };
    const targetChoice = random.int(0, 2);
    if (targetChoice === 1) port.targetPort = 0;
    if (targetChoice === 2) port.targetPort = numbers[index] + 8000;
    if (exposed && random.bool(0.4)) port.nodePort = nodePorts.take();
    if (random.bool(0.1)) port.protocol = 'UDP';
    return port;
  });
}

function gateways(random: Random, kind: 'ingress' | 'egress', count: number, usedNames: Set<string>, nodePorts: NodePorts): Array<Record<string, unknown>> {
  const items: Array<Record<string, unknown>> = [];
  for (let i = 0; i < count; i++) {
    let name = i === 0 && random.bool(0.6) ? `${kind}gateway` : `${kind}-${random.int(1, 99)}`;
    while (usedNames.has(name)) name = `${name}-x`;
    usedNames.add(name);
    const serviceType = random.pick(['ClusterIP', 'NodePort', 'LoadBalancer'] as const);
    const minReplicas = random.int(1, 3);
    const item: Record<string, unknown> = {
      gatewayName: name,
      serviceType,
      minReplicas,
      maxReplicas: minReplicas + random.int(0, 4),
      ports: gatewayPorts(random, serviceType !== 'ClusterIP', nodePorts),
    };
    if (random.bool(0.3)) item.enabled = random.bool(0.7);
    if (random.bool(0.4)) {
      item.autoscaleEnabled = false;
      item.replicaCount = random.int(1, 4);
    }
    if (random.bool(0.3)) item.serviceAnnotations = unsortedMap(random, SERVICE_ANNOTATIONS, random.int(2, 4));
    if (random.bool(0.2)) item.podAnnotations = unsortedMap(random, POD_ANNOTATIONS, random.int(2, 3));
    if (serviceType === 'LoadBalancer' && random.bool(0.3)) item.loadBalancerSourceRanges = random.sample(CIDRS.slice(0, 4), 2);
    if (serviceType === 'LoadBalancer' && random.bool(0.2)) item.loadBalancerIP = `203.0.113.${random.int(1, 250)}`;
    if (serviceType !== 'ClusterIP' && random.bool(0.3)) item.externalTrafficPolicy = random.pick(['Cluster', 'Local']);
    if (random.bool(0.2)) item.env = unsortedMap(random, GATEWAY_ENV, random.int(2, 4));
    if (random.bool(0.2)) item.nodeSelector = unsortedMap(random, NODE_SELECTOR, random.int(2, 3));
    if (random.bool(0.2)) item.resources = { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '', memory: '512Mi' } };
    items.push(item);
  }
  return items;
}

/** A valid values overlay for seed `seed` (applied on top of a profile). */
export function generateValues(seed: number): Record<string, unknown> {
  const random = new Random(seed);
  const used = new Set<string>();
  const nodePorts = new NodePorts(random);
  const ingress = gateways(random, 'ingress', random.int(0, 3), used, nodePorts);
  const egress = gateways(random, 'egress', random.int(0, 3), used, nodePorts);
  const values: Record<string, unknown> = {};

  if (random.bool(0.7)) {
    const enabledIngress = ingress.filter((gw) => gw.enabled !== false);
    const mesh: Record<string, unknown> = {};
    if (enabledIngress.length > 0) mesh.ingressService = `istio-${enabledIngress[0].gatewayName}`;
    if (random.bool(0.3)) mesh.outboundTrafficPolicy = 'REGISTRY_ONLY';
    if (random.bool(0.3)) mesh.accessLogFile = '/dev/stdout';
    if (random.bool(0.2)) mesh.extraConfig = { enableAutoMtls: false, defaultConfig: { holdApplicationUntilProxyStarts: true, concurrency: 2 }, accessLogEncoding: 'JSON' };
    if (random.bool(0.3)) mesh.mtls = { mode: 'STRICT' };
    values.gateways = { enabled: random.bool(0.9), ingress, egress };
    values.mesh = mesh;
  } else {
    values.gateways = { enabled: false };
  }

  const capture: Record<string, unknown> = {};
  if (random.bool(0.5)) capture.includeIPRanges = random.bool(0.3) ? ['*'] : random.sample(CIDRS, random.int(1, 3));
  if (random.bool(0.5)) capture.excludeIPRanges = random.sample(CIDRS, random.int(1, 2));
  if (random.bool(0.3)) capture.excludeOutboundPorts = [3306, 6379].slice(0, random.int(1, 2));
  values.trafficCapture = capture;

  if (random.bool(0.6)) {
    values.tracing = {
      enabled: random.bool(0.7),
      provider: random.pick(['zipkin', 'opentelemetry']),
      sampling: random.pick([0, 0.5, 1, 12.5, 100]),
      ...(random.bool(0.3) ? { endpoint: 'otel-collector.observability.svc.cluster.local:4317' } : {}),
    };
  }
  values.sidecarInjection = {
    enabled: random.bool(0.8),
    allNamespaces: random.bool(0.2),
    proxy: { holdApplicationUntilProxyStarts: random.bool(0.3), logLevel: random.pick(['warning', 'info', 'debug']) },
  };
  const cni = random.bool(0.3);
  values.cni = { enabled: cni, ...(cni && random.bool(0.3) ? { namespace: 'kube-system', chained: false } : {}) };
  values.ambient = { enabled: cni && random.bool(0.5) };
  values.istiod = random.bool(0.5)
    ? { autoscale: { enabled: true, min: 2, max: random.int(2, 6) }, ...(random.bool(0.3) ? { env: unsortedMap(random, ISTIOD_ENV, random.int(2, 4)) } : {}) }
    : { autoscale: { enabled: false }, replicaCount: random.int(1, 3), env: unsortedMap(random, ISTIOD_ENV, random.int(2, 4)) };
  values.addons = {
    prometheus: { enabled: random.bool(), ...(random.bool(0.3) ? { persistence: { enabled: true, size: '20Gi' } } : {}) },
    grafana: { enabled: random.bool(), ...(random.bool(0.3) ? { adminSecret: { name: 'grafana-admin' } } : {}) },
    jaeger: { enabled: random.bool() },
    kiali: {
      enabled: random.bool(),
      ...(random.bool(0.3) ? { auth: { strategy: 'basic', basic: { htpasswdSecret: { name: 'kiali-users' }, role: random.pick(['viewer', 'admin']) } } } : {}),
      ...(random.bool(0.3) ? { signingKeySecret: { name: 'kiali-signing-key' } } : {}),
    },
  };
  const global: Record<string, unknown> = {};
  if (random.bool(0.2)) global.revision = 'canary';
  if (random.bool(0.2)) global.tag = '1.30.2';
  if (random.bool(0.2)) global.imagePullSecrets = ['registry-credentials'];
  if (random.bool(0.2)) global.network = 'network-1';
  if (random.bool(0.1)) global.variant = 'distroless';
  values.global = global;
  // Drawn last, so the values above stay what earlier seeds gave.
  if (random.bool(0.5)) values.base = { validationFailurePolicy: random.pick(['Fail', 'Ignore']) };
  if (random.bool(0.3)) {
    const providers = [{ name: 'otel-tracing', opentelemetry: { service: 'otel-collector.observability.svc.cluster.local', port: 4317 } }];
    values.mesh = { ...(values.mesh as Record<string, unknown> | undefined), extensionProviders: random.bool() ? providers : [] };
  }
  // Never the revision ('canary'): a tag must not be its revision's name.
  if (random.bool(0.3)) values.revisionTags = random.sample(['default', 'prod-stable', 'prod-canary', 'blue'], random.int(0, 3));
  return values;
}
