/**
 * Generates varied, valid values files for property-based tests from a seed (same seed, same values):
 * gateway lists of 0–3 items with varied ports, Service types and replica ranges, addon toggles,
 * IP ranges, tracing, injection settings, CNI/ambient, istiod scaling, the validation failure policy,
 * extension providers and revision tags.
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
    if (random.bool(0.3)) item.serviceAnnotations = { 'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type': random.pick(['intranet', 'internet']) };
    if (random.bool(0.2)) item.podAnnotations = { 'example.com/team': 'mesh' };
    if (serviceType === 'LoadBalancer' && random.bool(0.3)) item.loadBalancerSourceRanges = random.sample(CIDRS.slice(0, 4), 2);
    if (serviceType === 'LoadBalancer' && random.bool(0.2)) item.loadBalancerIP = `203.0.113.${random.int(1, 250)}`;
    if (serviceType !== 'ClusterIP' && random.bool(0.3)) item.externalTrafficPolicy = random.pick(['Cluster', 'Local']);
    if (random.bool(0.2)) item.env = { ISTIO_META_HTTP10: '1' };
    if (random.bool(0.2)) item.nodeSelector = { 'node-role': 'edge' };
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
    if (random.bool(0.2)) mesh.extraConfig = { defaultConfig: { holdApplicationUntilProxyStarts: true }, enableAutoMtls: false };
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
    ? { autoscale: { enabled: true, min: 2, max: random.int(2, 6) } }
    : { autoscale: { enabled: false }, replicaCount: random.int(1, 3), env: { PILOT_ENABLE_ALPHA_GATEWAY_API: 'true' } };
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
