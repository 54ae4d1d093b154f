import { builtinProfile } from '../profiles/builtin-profiles';
import { renderProfile } from '../outputs/render-profile';
import { ISTIO_VERSION } from '../values/model';
import { toKubernetesYaml } from '../values/kubernetes-yaml';
import { Cidr, aggregateCidrs, formatCidr, inferServiceRange, parseCidr } from './cidrs';
import { ClusterError, KubeClient } from './kube-client';
import { NodeFacts, detectPlatform } from './platform-signs';

/** Oldest Kubernetes minor version istio-pack installs on (design: Kubernetes >= 1.28). */
export const MINIMUM_KUBERNETES_MINOR = 28;

/** Namespace where `inspect` looks for an existing control plane (istioctl's and the charts' default). */
export const ISTIO_NAMESPACE = 'istio-system';

/** An istiod Deployment found in the cluster. */
export interface ControlPlane {
  readonly deployment: string;
  /** Its `istio.io/rev` label; `default` for a non-revisioned install. */
  readonly revision: string;
  /** Istio version from the discovery container's image tag, when it has one. */
  readonly version?: string;
}

/** An injector MutatingWebhookConfiguration found in the cluster. */
export interface InjectorWebhook {
  readonly name: string;
  readonly revision: string;
  /** Its `istio.io/tag` label (istioctl's `istio-revision-tag-<tag>`), if any. */
  readonly tag?: string;
}

/** Everything `inspect` read from the cluster. */
export interface ClusterFacts {
  readonly server: string;
  readonly context: string;
  readonly gitVersion: string;
  readonly minor: number;
  readonly apiGroups: ReadonlySet<string>;
  readonly nodes: readonly NodeFacts[];
  /** spec.cidrs of ServiceCIDR objects, with the API version read; undefined where not served. */
  readonly serviceCidrs?: { readonly apiVersion: string; readonly cidrs: readonly string[] };
  /** spec.clusterIPs of Service default/kubernetes (read only when ServiceCIDRs are not served). */
  readonly kubernetesServiceIps: readonly string[];
  readonly controlPlanes: readonly ControlPlane[];
  readonly webhooks: readonly InjectorWebhook[];
}

/** What `inspect` decided: the values to write, the profile to use them with, and why. */
export interface InspectResult {
  readonly values: Record<string, any>;
  /** Built-in profile the values are meant for (and validated with). */
  readonly profile: 'default' | 'minimal';
  /** One line per decision, saying what and why. */
  readonly summary: readonly string[];
}

/** ServiceCIDR API versions, newest first: networking.k8s.io/v1 since Kubernetes 1.33, v1beta1 in 1.31-1.32 (off by default). */
const SERVICE_CIDR_VERSIONS = ['networking.k8s.io/v1', 'networking.k8s.io/v1beta1'] as const;

/** Reads what `inspect` needs from the cluster. Refuses clusters older than 1.28 before reading more. */
export async function readClusterFacts(client: KubeClient): Promise<ClusterFacts> {
  const version = await client.get<{ gitVersion: string }>('/version');
  const match = /^v?(\d+)\.(\d+)/.exec(version.gitVersion ?? '');
  if (!match) throw new ClusterError(`cannot read the Kubernetes version of ${client.server}: /version says ${JSON.stringify(version.gitVersion)}`);
  const minor = Number(match[1]) === 1 ? Number(match[2]) : Number.MAX_SAFE_INTEGER;
  if (minor < MINIMUM_KUBERNETES_MINOR) {
    throw new ClusterError(`the cluster runs Kubernetes ${version.gitVersion}; Istio ${ISTIO_VERSION} as istio-pack installs it needs Kubernetes 1.${MINIMUM_KUBERNETES_MINOR} or newer: upgrade the cluster first`);
  }

  const groupList = await client.get<{ groups: Array<{ name: string; versions: Array<{ groupVersion: string }> }> }>('/apis');
  const apiGroups = new Set(groupList.groups.map((group) => group.name));
  const groupVersions = new Set(groupList.groups.flatMap((group) => group.versions.map((version) => version.groupVersion)));

  const nodeList = await client.get<{ items: any[] }>('/api/v1/nodes');
  const nodes: NodeFacts[] = nodeList.items.map((node) => ({
    name: node.metadata?.name ?? '',
    labels: node.metadata?.labels ?? {},
    providerID: node.spec?.providerID ?? '',
    podCIDRs: node.spec?.podCIDRs ?? (node.spec?.podCIDR ? [node.spec.podCIDR] : []),
  }));

  let serviceCidrs: ClusterFacts['serviceCidrs'];
  for (const apiVersion of SERVICE_CIDR_VERSIONS) {
    if (!groupVersions.has(apiVersion)) continue;
    // The group version may be served without the resource (networking.k8s.io/v1 before 1.33).
    const resources = await client.get<{ resources: Array<{ name: string }> }>(`/apis/${apiVersion}`);
    if (!resources.resources.some((resource) => resource.name === 'servicecidrs')) continue;
    const list = await client.get<{ items: any[] }>(`/apis/${apiVersion}/servicecidrs`);
    serviceCidrs = { apiVersion, cidrs: list.items.flatMap((item) => item.spec?.cidrs ?? []) };
    break;
  }
  let kubernetesServiceIps: string[] = [];
  if (!serviceCidrs || serviceCidrs.cidrs.length === 0) {
    const service = await client.get<any>('/api/v1/namespaces/default/services/kubernetes');
    kubernetesServiceIps = service.spec?.clusterIPs ?? (service.spec?.clusterIP ? [service.spec.clusterIP] : []);
  }

  const deployments = await client.get<{ items: any[] }>(`/apis/apps/v1/namespaces/${ISTIO_NAMESPACE}/deployments`, { labelSelector: 'app=istiod' });
  const controlPlanes: ControlPlane[] = deployments.items.map((deployment) => {
    const containers: any[] = deployment.spec?.template?.spec?.containers ?? [];
    const image: string = (containers.find((container) => container.name === 'discovery') ?? containers[0])?.image ?? '';
    const tag = /:(\d+\.\d+\.\d+)[^:/]*$/.exec(image);
    return { deployment: deployment.metadata.name, revision: deployment.metadata.labels?.['istio.io/rev'] ?? 'default', version: tag?.[1] };
  }).sort((a, b) => a.deployment.localeCompare(b.deployment));

  const webhookList = await client.get<{ items: any[] }>('/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations', { labelSelector: 'app=sidecar-injector' });
  const webhooks: InjectorWebhook[] = webhookList.items.map((webhook) => ({
    name: webhook.metadata.name,
    revision: webhook.metadata.labels?.['istio.io/rev'] ?? 'default',
    tag: webhook.metadata.labels?.['istio.io/tag'],
  })).sort((a, b) => a.name.localeCompare(b.name));

  return { server: client.server, context: client.context, gitVersion: version.gitVersion, minor, apiGroups, nodes, serviceCidrs, kubernetesServiceIps, controlPlanes, webhooks };
}

/**
 * Decides the values from what was read. Pure: the facts are all it looks at. Every setting that
 * differs from the model's default is written, with a line in the summary saying why.
 */
export function decideValues(facts: ClusterFacts): InspectResult {
  const summary: string[] = [];
  const global: Record<string, unknown> = {};
  const values: Record<string, any> = {};
  summary.push(`Kubernetes ${facts.gitVersion} (>= 1.${MINIMUM_KUBERNETES_MINOR}: supported)`);

  // Platform
  const platform = detectPlatform({ apiGroups: facts.apiGroups, nodes: facts.nodes, gitVersion: facts.gitVersion });
  if (!platform) {
    summary.push('platform: none recognised (no OpenShift API group, no GKE/EKS/AKS/k3s/k3d/MicroK8s/minikube node label or provider ID): global.platform stays ""');
  } else {
    if (platform.sign.value !== '') global.platform = platform.sign.value;
    if (platform.sign.name === 'openshift') values.cni = { enabled: true };
    const written = platform.sign.value === '' ? '' : `: global.platform ${platform.sign.value}`;
    summary.push(`platform: ${platform.sign.name}, because ${platform.why}${written}${platform.sign.note ? `; ${platform.sign.note}` : ''}`);
  }

  // Traffic capture: Pod and Service ranges
  const podCidrs = facts.nodes.flatMap((node) => node.podCIDRs).map((text) => parseCidr(text)).filter((cidr): cidr is Cidr => cidr !== undefined);
  const serviceRanges: Cidr[] = [];
  let serviceWhy: string;
  if (facts.serviceCidrs && facts.serviceCidrs.cidrs.length > 0) {
    serviceRanges.push(...facts.serviceCidrs.cidrs.map((text) => parseCidr(text)).filter((cidr): cidr is Cidr => cidr !== undefined));
    serviceWhy = `from the ServiceCIDR objects (${facts.serviceCidrs.apiVersion})`;
  } else {
    const inferred = facts.kubernetesServiceIps.map((ip) => inferServiceRange(ip)).filter((range) => range !== undefined);
    serviceRanges.push(...inferred.map((range) => range.cidr));
    const notServed = facts.serviceCidrs ? 'ServiceCIDR objects list no range' : 'the cluster does not serve ServiceCIDR objects';
    serviceWhy = `INFERRED (${notServed}): ${inferred.map((range) => `${formatCidr(range.cidr)} is ${range.why}`).join('; ') || 'no address on Service default/kubernetes'}`;
  }
  if (podCidrs.length === 0) {
    summary.push('trafficCapture.includeIPRanges stays ["*"] (all outbound traffic): no node has spec.podCIDRs — the CNI assigns Pod addresses itself (AWS VPC CNI, Calico or Cilium IPAM...) — so the Pod ranges are unknown');
    summary.push(`Service range ${serviceRanges.map(formatCidr).join(', ') || 'unknown'}, ${serviceWhy} (not written: capturing only it would bypass the sidecar for direct Pod traffic)`);
  } else if (serviceRanges.length === 0) {
    summary.push(`trafficCapture.includeIPRanges stays ["*"]: the Service range is unknown (${serviceWhy})`);
  } else {
    const pods = aggregateCidrs(podCidrs);
    const ranges = aggregateCidrs([...pods, ...serviceRanges]).map(formatCidr);
    values.trafficCapture = { includeIPRanges: ranges };
    summary.push(`trafficCapture.includeIPRanges ${ranges.join(', ')}: only in-cluster traffic goes through the sidecar (the ACK console's "blocked addresses")`);
    summary.push(`  Pod ranges ${pods.map(formatCidr).join(', ')} from spec.podCIDRs of ${facts.nodes.length} node(s): nodes added later may get ranges outside these, run inspect again after scaling out`);
    summary.push(`  Service range ${serviceRanges.map(formatCidr).join(', ')} ${serviceWhy}`);
  }

  // Control plane and revision
  let profile: InspectResult['profile'] = 'default';
  const planes = facts.controlPlanes;
  const tagsOf = (revision: string) => facts.webhooks.filter((webhook) => webhook.tag !== undefined && webhook.revision === revision).map((webhook) => webhook.tag as string);
  if (planes.length === 0) {
    summary.push(`Istio: no istiod Deployment in ${ISTIO_NAMESPACE}: a fresh install, global.revision stays "" (profile default)`);
    if (facts.webhooks.length > 0) summary.push(`  but injector webhooks remain without an istiod: ${facts.webhooks.map((webhook) => webhook.name).join(', ')} (delete them or they will fail pod creation)`);
  } else {
    const found = planes.map((plane) => `${plane.deployment} (revision ${plane.revision}, Istio ${plane.version ?? 'unknown'}${tagsOf(plane.revision).length > 0 ? `, tags ${tagsOf(plane.revision).join(', ')}` : ''})`).join(', ');
    summary.push(`Istio: found ${found}; injector webhooks ${facts.webhooks.map((webhook) => webhook.name).join(', ') || 'none'}`);
    const same = planes.find((plane) => plane.version === ISTIO_VERSION);
    if (same) {
      // The version istio-pack installs is already running: take that control plane over in place.
      const revision = same.revision === 'default' ? '' : same.revision;
      if (revision !== '') global.revision = revision;
      const tags = tagsOf(same.revision);
      if (tags.length > 0) values.revisionTags = tags;
      summary.push(`  ${same.deployment} already runs Istio ${ISTIO_VERSION}: adopt it in place with global.revision "${revision}"${tags.length > 0 ? ` and revisionTags ${tags.join(', ')} (so the apply keeps its tag webhooks, see README "Adopting an istioctl installation")` : ''} (profile default)`);
    } else {
      const taken = new Set([...planes.map((plane) => plane.revision), ...facts.webhooks.map((webhook) => webhook.revision)]);
      const base = ISTIO_VERSION.replace(/\./g, '-');
      let revision = base;
      for (let n = 2; taken.has(revision); n++) revision = `${base}-${n}`;
      global.revision = revision;
      global.createNamespace = false;
      values.base = { enabled: false };
      profile = 'minimal';
      summary.push(`  canary upgrade to Istio ${ISTIO_VERSION}: global.revision ${revision} next to the running revision(s), named after the version; global.createNamespace false and base.enabled false (the namespace, CRDs and default validator stay with the current install); use with profile minimal (istiod only), then move namespaces or tags to it (README "Canary upgrades with revision tags")`);
    }
  }
  if (Object.keys(global).length > 0) values.global = global;
  return { values: orderKeys(values), profile, summary };
}

/** Keys in the model's order, so the file reads like values.yaml. */
function orderKeys(values: Record<string, any>): Record<string, any> {
  const order = ['global', 'revisionTags', 'trafficCapture', 'base', 'cni'];
  return Object.fromEntries(order.filter((key) => key in values).map((key) => [key, values[key]]));
}

/**
 * Validates the values as synth does — the model's validation and the constructs' — by rendering the
 * profile they are meant for. Throws the synth's own error when they do not pass.
 */
export function validateInspectValues(result: InspectResult): void {
  const profile = builtinProfile(result.profile);
  if (!profile) throw new Error(`no built-in profile ${result.profile}`);
  renderProfile(profile, { userValues: [{ source: 'inspect result', values: result.values }] });
}

/** The values file: the summary as comments, then the values. */
export function valuesFileText(facts: ClusterFacts, result: InspectResult): string {
  const header = [
    `# Written by istio-pack inspect from context ${facts.context} (${facts.server}).`,
    `# Use with: istio-pack synth -p ${result.profile} -f <this file>`,
    ...result.summary.map((line) => `# ${line}`),
  ];
  const body = Object.keys(result.values).length === 0 ? '{}\n' : toKubernetesYaml(result.values);
  return `${header.join('\n')}\n${body}`;
}
