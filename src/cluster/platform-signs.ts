/** What `inspect` reads of a node to recognise the platform. */
export interface NodeFacts {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly providerID: string;
  readonly podCIDRs: readonly string[];
}

/** What the cluster shows of its platform. */
export interface PlatformEvidence {
  /** Served API groups (from /apis). */
  readonly apiGroups: ReadonlySet<string>;
  readonly nodes: readonly NodeFacts[];
  /** `gitVersion` of /version, e.g. v1.32.4-gke.1415000. */
  readonly gitVersion: string;
}

/** One platform and how to recognise it. */
interface PlatformSign {
  /** The platform recognised (eks and aks are named only in the summary). */
  readonly name: 'openshift' | 'gke' | 'k3d' | 'k3s' | 'microk8s' | 'minikube' | 'eks' | 'aks';
  /** The value written to global.platform: upstream Istio 1.30 has no eks or aks platform. */
  readonly value: 'openshift' | 'gke' | 'k3d' | 'k3s' | 'microk8s' | 'minikube' | '';
  /** Returns why the evidence shows this platform, or undefined. */
  readonly matches: (evidence: PlatformEvidence) => string | undefined;
  /** Said in the summary when the platform is found. */
  readonly note?: string;
}

const anyNode = (evidence: PlatformEvidence, test: (node: NodeFacts) => boolean, what: string): string | undefined => {
  const node = evidence.nodes.find(test);
  return node ? `node ${node.name} has ${what}` : undefined;
};
const hasLabel = (key: string, value?: string) => (node: NodeFacts) => key in node.labels && (value === undefined || node.labels[key] === value);
const providerIs = (prefix: string) => (node: NodeFacts) => node.providerID.startsWith(prefix);

/**
 * Platform signs, checked in this order (OpenShift runs on AWS, GCP and Azure nodes, so its API
 * groups come first; k3d runs k3s). Labels and provider IDs are those each platform sets on nodes.
 */
export const PLATFORM_SIGNS: readonly PlatformSign[] = [
  {
    name: 'openshift',
    value: 'openshift',
    matches: (evidence) => ['config.openshift.io', 'route.openshift.io'].filter((group) => evidence.apiGroups.has(group)).map((group) => `the API serves ${group}`)[0],
    note: 'cni.enabled: true as well, which the model requires on OpenShift (its restricted-v2 SCC refuses istio-init)',
  },
  {
    name: 'gke',
    value: 'gke',
    matches: (evidence) => anyNode(evidence, hasLabel('cloud.google.com/gke-nodepool'), 'label cloud.google.com/gke-nodepool')
      ?? (/-gke\./.test(evidence.gitVersion) ? `the server version is ${evidence.gitVersion}` : undefined),
  },
  {
    name: 'k3d',
    value: 'k3d',
    matches: (evidence) => anyNode(evidence, (node) => providerIs('k3s://')(node) && node.name.startsWith('k3d-'), 'a k3s provider ID and a k3d- name'),
  },
  {
    name: 'k3s',
    value: 'k3s',
    matches: (evidence) => anyNode(evidence, providerIs('k3s://'), 'provider ID k3s://…') ?? anyNode(evidence, hasLabel('node.kubernetes.io/instance-type', 'k3s'), 'label node.kubernetes.io/instance-type=k3s'),
  },
  {
    name: 'microk8s',
    value: 'microk8s',
    matches: (evidence) => anyNode(evidence, hasLabel('microk8s.io/cluster'), 'label microk8s.io/cluster'),
  },
  {
    name: 'minikube',
    value: 'minikube',
    matches: (evidence) => anyNode(evidence, hasLabel('minikube.k8s.io/name'), 'label minikube.k8s.io/name'),
  },
  {
    name: 'eks',
    value: '',
    matches: (evidence) => anyNode(evidence, hasLabel('eks.amazonaws.com/nodegroup'), 'label eks.amazonaws.com/nodegroup')
      ?? (/-eks-/.test(evidence.gitVersion) ? `the server version is ${evidence.gitVersion}` : undefined),
    note: 'global.platform stays "": upstream Istio 1.30 has no eks platform (the model refuses it) and EKS needs none, its CNI paths are the defaults',
  },
  {
    name: 'aks',
    value: '',
    matches: (evidence) => anyNode(evidence, hasLabel('kubernetes.azure.com/cluster'), 'label kubernetes.azure.com/cluster') ?? anyNode(evidence, providerIs('azure://'), 'provider ID azure://…'),
    note: 'global.platform stays "": upstream Istio 1.30 has no aks platform and AKS needs none, its CNI paths are the defaults',
  },
];

/** The platform the evidence shows, with the reason; undefined for a cluster without a known sign. */
export function detectPlatform(evidence: PlatformEvidence): { sign: PlatformSign; why: string } | undefined {
  for (const sign of PLATFORM_SIGNS) {
    const why = sign.matches(evidence);
    if (why) return { sign, why };
  }
  return undefined;
}
