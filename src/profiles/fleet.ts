import { IstioValues } from '../values/model';
import { ValuesLayer, ValuesOverlay, resolveValues } from '../values/resolve';
import { isPlainMap } from '../values/schema';
import { Profile } from './profile';

/**
 * A fleet: one file per cluster, `clusters/<name>.yaml` (the file name is the cluster's name and its
 * output folder dist/clusters/<name>/). One file per cluster rather than one fleet.yaml: hundreds of
 * clusters stay hundreds of small files that change, review and merge independently (one team, one
 * file), names are unique by construction, and the fleet is still validated as a whole (every file is
 * read on every synth). A cluster is a profile plus values plus its place in the mesh's topology, as
 * istio.io's multicluster guides describe it:
 * - multi-primary on one network: every cluster a primary, no network set;
 * - primary-remote: the remote runs no istiod and reaches its primary's istiod through the primary's
 *   east-west gateway (`istiodAddress`); the primary exposes istiod there (15012, 15017);
 * - several networks: every cluster of the mesh gets an east-west gateway for its network (15443,
 *   AUTO_PASSTHROUGH) and the Gateway `cross-network-gateway`.
 */

/** The keys of a cluster file. */
export const CLUSTER_KEYS = ['profile', 'meshID', 'clusterName', 'network', 'role', 'primary', 'istiodAddress', 'eastWestGateway', 'values'] as const;

/** gatewayName of the east-west gateway the fleet adds, as upstream's gen-eastwest-gateway.sh names it. */
export const EAST_WEST_GATEWAY = 'eastwestgateway';

/** A parsed cluster file before the fleet is linked. */
export interface ClusterSource {
  /** The file name without `.yaml`. */
  readonly name: string;
  /** The file, as error messages name it. */
  readonly file: string;
  readonly document: unknown;
}

/** A cluster's place in its mesh, checked. */
export interface ClusterTopology {
  readonly meshId: string;
  readonly clusterName: string;
  /** '' on a single-network mesh. */
  readonly network: string;
  readonly role: 'primary' | 'remote';
  /** Remote only: file name of the primary cluster. */
  readonly primary?: string;
  /** Remote only: address of the primary's istiod as the remote reaches it (its east-west gateway). */
  readonly istiodAddress?: string;
  /** Primary only: names of its remote clusters. */
  readonly remotes: readonly string[];
  /** Does this cluster run an east-west gateway? */
  readonly eastWestGateway: boolean;
}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const HOST = /^(([0-9]{1,3}\.){3}[0-9]{1,3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]+|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/;

/** A fleet cluster rendered like a profile: its profile's layers, the synth values files, its own values, then its topology. */
export class ClusterProfile extends Profile {
  public readonly description: string;
  public readonly overlay: ValuesOverlay;

  constructor(
    public readonly name: string,
    /** The cluster file, for error messages. */
    public readonly file: string,
    public readonly parent: Profile,
    public readonly topology: ClusterTopology,
    private readonly ownLayers: readonly ValuesLayer[],
  ) {
    super();
    const where = topology.network === '' ? '' : ` on network ${topology.network}`;
    const of = topology.role === 'remote' ? ` of primary ${topology.primary}` : '';
    this.description = `Cluster ${name} of mesh ${topology.meshId}: ${topology.role}${of}${where}, profile ${parent.name}.`;
    this.overlay = {};
  }

  public layers(): ValuesLayer[] {
    return [...this.parent.layers(), ...this.ownLayers];
  }
}

/**
 * Links and checks the cluster files of a fleet and returns one profile per cluster, sorted by name.
 * `userValues` (synth's -f files) apply to every cluster, below the cluster's own values.
 * @throws Error naming the file and key of every problem found.
 */
export function linkFleet(sources: readonly ClusterSource[], findProfile: (name: string) => Profile | undefined, userValues: readonly ValuesLayer[] = []): ClusterProfile[] {
  const problems: string[] = [];
  const parsed = sources.map((source) => parseCluster(source, problems));
  if (problems.length > 0) throw fleetError(problems);
  const byName = new Map(parsed.map((cluster) => [cluster.name, cluster]));

  // Cross-cluster rules.
  const clusterNames = new Map<string, string>();
  for (const cluster of parsed) {
    const key = `${cluster.meshId}/${cluster.clusterName}`;
    const other = clusterNames.get(key);
    if (other) problems.push(`${cluster.file}: clusterName: ${JSON.stringify(cluster.clusterName)} is also the clusterName of ${other} in mesh ${cluster.meshId}; every cluster of a mesh needs its own`);
    else clusterNames.set(key, cluster.file);
    if (cluster.role === 'remote') {
      const primary = byName.get(cluster.primary as string);
      if (!primary) problems.push(`${cluster.file}: primary: must name a cluster file of the fleet (${[...byName.keys()].join(', ')}), got ${JSON.stringify(cluster.primary)}`);
      else if (primary.role !== 'primary') problems.push(`${cluster.file}: primary: ${primary.name} is a remote; a remote's control plane must be a primary`);
      else if (primary.meshId !== cluster.meshId) problems.push(`${cluster.file}: primary: ${primary.name} is in mesh ${primary.meshId}, not ${cluster.meshId}; a remote joins its primary's mesh`);
    }
  }
  const meshes = new Map<string, ParsedCluster[]>();
  for (const cluster of parsed) meshes.set(cluster.meshId, [...(meshes.get(cluster.meshId) ?? []), cluster]);
  for (const [mesh, members] of meshes) {
    const named = members.filter((cluster) => cluster.network !== '');
    if (named.length > 0 && named.length < members.length) {
      for (const cluster of members.filter((member) => member.network === '')) {
        problems.push(`${cluster.file}: network: every cluster of mesh ${mesh} must name its network once one does (${named[0].file} names ${named[0].network})`);
      }
    }
  }
  if (problems.length > 0) throw fleetError(problems);

  const profiles = parsed.map((cluster) => {
    const members = meshes.get(cluster.meshId) as ParsedCluster[];
    const multiNetwork = new Set(members.map((member) => member.network)).size > 1;
    const remotes = parsed.filter((other) => other.role === 'remote' && other.primary === cluster.name).map((other) => other.name);
    const topology: ClusterTopology = {
      meshId: cluster.meshId,
      clusterName: cluster.clusterName,
      network: cluster.network,
      role: cluster.role,
      primary: cluster.primary,
      istiodAddress: cluster.istiodAddress,
      remotes,
      eastWestGateway: multiNetwork || remotes.length > 0,
    };
    const parentName = cluster.profile ?? (cluster.role === 'remote' ? 'remote' : 'default');
    const parent = findProfile(parentName);
    if (!parent) {
      problems.push(`${cluster.file}: profile: must name a built-in or user profile, got ${JSON.stringify(parentName)}`);
      return undefined;
    }
    const valuesLayer: ValuesLayer = { source: `${cluster.file} (values)`, values: cluster.values };
    try {
      const below = resolveValues([...parent.layers(), ...userValues, valuesLayer]);
      checkValuesAgainstTopology(cluster, below, problems);
      if (cluster.role === 'primary' && below.remote.enabled) {
        problems.push(`${cluster.file}: profile: ${parentName} makes a remote cluster (remote.enabled); a primary runs its own istiod: use role: remote, or another profile`);
      }
      const topologyLayer: ValuesLayer = { source: `${cluster.file} (mesh topology)`, values: topologyOverlay(topology, below, cluster.eastWestGateway) };
      return new ClusterProfile(cluster.name, cluster.file, parent, topology, [...userValues, valuesLayer, topologyLayer]);
    } catch (error) {
      problems.push(`${cluster.file}: ${(error as Error).message}`);
      return undefined;
    }
  });
  if (problems.length > 0) throw fleetError(problems);
  return (profiles as ClusterProfile[]).sort((a, b) => a.name.localeCompare(b.name));
}

interface ParsedCluster {
  readonly name: string;
  readonly file: string;
  readonly profile?: string;
  readonly meshId: string;
  readonly clusterName: string;
  readonly network: string;
  readonly role: 'primary' | 'remote';
  readonly primary?: string;
  readonly istiodAddress?: string;
  readonly eastWestGateway: Record<string, unknown>;
  readonly values: Record<string, unknown>;
}

function parseCluster(source: ClusterSource, problems: string[]): ParsedCluster {
  const { file } = source;
  const document = source.document ?? {};
  const fail = (key: string, expected: string, got: unknown) => problems.push(`${file}: ${key}: must be ${expected}, got ${JSON.stringify(got)}`);
  if (!isPlainMap(document)) {
    fail('(root)', 'a map with keys ' + CLUSTER_KEYS.join(', '), document);
    return { name: source.name, file, meshId: '', clusterName: '', network: '', role: 'primary', eastWestGateway: {}, values: {} };
  }
  for (const key of Object.keys(document)) {
    if (!(CLUSTER_KEYS as readonly string[]).includes(key)) problems.push(`${file}: ${key}: unknown key; a cluster file has ${CLUSTER_KEYS.join(', ')} (Istio settings go under values:)`);
  }
  const text = (key: string, pattern: RegExp, expected: string, fallback?: string): string | undefined => {
    const value = document[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'string' || !pattern.test(value)) {
      fail(key, expected, value);
      return fallback;
    }
    return value;
  };
  const map = (key: string): Record<string, unknown> => {
    const value = document[key];
    if (value === undefined || value === null) return {};
    if (!isPlainMap(value)) {
      fail(key, 'a map', value);
      return {};
    }
    return value as Record<string, unknown>;
  };
  const role = document.role ?? 'primary';
  if (role !== 'primary' && role !== 'remote') fail('role', 'primary or remote', role);
  const meshId = text('meshID', NAME, 'a mesh name (letters, digits, -, _ and .)');
  if (document.meshID === undefined || document.meshID === null) problems.push(`${file}: meshID: is required: the mesh this cluster belongs to (global.meshID)`);
  const parsed: ParsedCluster = {
    name: source.name,
    file,
    profile: text('profile', /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a profile name'),
    meshId: meshId ?? '',
    clusterName: text('clusterName', NAME, 'a cluster name (letters, digits, -, _ and .)', source.name) as string,
    network: text('network', NAME, 'a network name (letters, digits, -, _ and .)', '') as string,
    role: role === 'remote' ? 'remote' : 'primary',
    primary: text('primary', /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'the name of a cluster file'),
    istiodAddress: text('istiodAddress', HOST, 'an IPv4 or IPv6 address or a DNS name'),
    eastWestGateway: map('eastWestGateway'),
    values: map('values'),
  };
  if (parsed.role === 'remote') {
    if (parsed.primary === undefined) problems.push(`${file}: primary: is required for a remote: the cluster file name of the primary whose istiod it uses`);
    if (parsed.istiodAddress === undefined) problems.push(`${file}: istiodAddress: is required for a remote: the address of its primary's east-west gateway (where 15012 and 15017 reach istiod)`);
  } else {
    if (document.primary !== undefined) problems.push(`${file}: primary: only a remote names a primary (role is primary)`);
    if (document.istiodAddress !== undefined) problems.push(`${file}: istiodAddress: only a remote names its primary's istiod address (role is primary)`);
  }
  return parsed;
}

/** The cluster's values must not contradict its topology keys: the mesh settings are said once, at the top of the file. */
function checkValuesAgainstTopology(cluster: ParsedCluster, values: IstioValues, problems: string[]): void {
  const given = (path: string[]) => path.reduce<unknown>((node, key) => (isPlainMap(node) ? (node as Record<string, unknown>)[key] : undefined), cluster.values);
  const owned: Array<[string[], string]> = [
    [['global', 'meshId'], 'meshID'],
    [['global', 'clusterId'], 'clusterName'],
    [['global', 'network'], 'network'],
    [['remote', 'enabled'], 'role'],
    [['remote', 'pilotAddress'], 'istiodAddress'],
  ];
  for (const [path, key] of owned) {
    if (given(path) !== undefined) problems.push(`${cluster.file}: values.${path.join('.')}: set by the cluster file's ${key}: key; remove it from values`);
  }
  for (const kind of ['ingress', 'egress'] as const) {
    values.gateways[kind].forEach((gateway, index) => {
      if (gateway.network !== '' && gateway.network !== cluster.network) {
        problems.push(`${cluster.file}: values.gateways.${kind}[${index}].network: must be the cluster's network ${JSON.stringify(cluster.network)} (an east-west gateway serves its own network only), got ${JSON.stringify(gateway.network)}`);
      }
    });
  }
}

/**
 * The values a cluster's place in the mesh sets, on top of its own: mesh, cluster and network names;
 * for a remote, the external istiod; where needed, the east-west gateway (appended to the gateways the
 * cluster already has) and the Istio resources exposing services (several networks) and istiod (a
 * primary with remotes; EXTERNAL_ISTIOD as istio.io's primary-remote guide sets it).
 */
function topologyOverlay(topology: ClusterTopology, below: IstioValues, eastWestOverrides: Record<string, unknown>): Record<string, unknown> {
  const overlay: Record<string, any> = {
    global: { meshId: topology.meshId, clusterId: topology.clusterName, network: topology.network },
  };
  if (topology.role === 'remote') overlay.remote = { enabled: true, pilotAddress: topology.istiodAddress };
  if (topology.remotes.length > 0) overlay.istiod = { env: { EXTERNAL_ISTIOD: 'true' } };
  if (!topology.eastWestGateway) return overlay;

  const multiNetwork = topology.network !== '';
  overlay.multiCluster = { eastWestGateway: EAST_WEST_GATEWAY, exposeServices: multiNetwork, exposeIstiod: topology.remotes.length > 0 };
  // The master switch must be on for the east-west gateway; the gateways it switched off stay off.
  const keep = (gateways: ReadonlyArray<Record<string, unknown>>) => JSON.parse(JSON.stringify(gateways.map((gateway) => ({ ...gateway, enabled: Boolean(gateway.enabled) && below.gateways.enabled }))));
  const ingress = keep(below.gateways.ingress as any).filter((gateway: Record<string, unknown>) => gateway.gatewayName !== EAST_WEST_GATEWAY);
  const existing = below.gateways.ingress.find((gateway) => gateway.gatewayName === EAST_WEST_GATEWAY);
  overlay.gateways = {
    enabled: true,
    ingress: [...ingress, { ...(existing ? JSON.parse(JSON.stringify(existing)) : eastWestGateway()), ...eastWestOverrides, gatewayName: EAST_WEST_GATEWAY, enabled: true, network: topology.network }],
    egress: keep(below.gateways.egress as any),
  };
  // Turning the gateways' master switch on must not make the east-west gateway serve Kubernetes
  // Ingresses: without the Ingress Service of mesh.ingressService, Ingress handling stays off.
  const ingressServed = ingress.some((gateway: Record<string, unknown>) => gateway.enabled && `istio-${gateway.gatewayName}` === below.mesh.ingressService);
  if (!ingressServed && below.mesh.ingressControllerMode !== 'OFF') overlay.mesh = { ingressControllerMode: 'OFF' };
  return overlay;
}

/** The east-west gateway of upstream's samples/multicluster/gen-eastwest-gateway.sh. */
function eastWestGateway(): Record<string, unknown> {
  return {
    serviceType: 'LoadBalancer',
    // sni-dnat: the clusters AUTO_PASSTHROUGH needs.
    env: { ISTIO_META_ROUTER_MODE: 'sni-dnat' },
    ports: [
      { name: 'status-port', port: 15021, targetPort: 15021 },
      { name: 'mtls', port: 15443, targetPort: 15443 },
      { name: 'tcp-istiod', port: 15012, targetPort: 15012 },
      { name: 'tcp-webhook', port: 15017, targetPort: 15017 },
    ],
  };
}

function fleetError(problems: readonly string[]): Error {
  return new Error(`fleet (clusters/): ${problems.length} problem(s):\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
}
