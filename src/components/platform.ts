import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { quantity } from './kube-objects';
import { Binder } from '../values/binder';
import { IstioValues } from '../values/model';

/**
 * What `global.platform` changes, as upstream Istio 1.30.3's platform profiles
 * (`manifests/helm-profiles/platform-*.yaml`) and the chart templates that read the platform do.
 * Every decision goes through the binder, so the chart decides the same way at render time.
 */

/** A value of `global.platform`. */
export type Platform = IstioValues['global']['platform'];

/** Host paths of istio-cni on one platform. */
export interface CniHostPaths {
  /** CNI plugin binaries. */
  readonly binDir: string;
  /** CNI network configuration. */
  readonly confDir: string;
  /** Network namespaces of pods. */
  readonly netnsDir: string;
}

/** Upstream's istio-cni chart defaults, used without a platform and where a platform keeps them. */
export const DEFAULT_CNI_PATHS: CniHostPaths = { binDir: '/opt/cni/bin', confDir: '/etc/cni/net.d', netnsDir: '/var/run/netns' };

/**
 * Host paths per platform (upstream's `cni.cniBinDir`/`cniConfDir`/`cniNetnsDir` of each platform
 * profile; gke leaves the bin dir to the chart's detection, which picks /home/kubernetes/bin on GKE).
 */
export const PLATFORM_CNI_PATHS: Readonly<Record<Exclude<Platform, ''>, CniHostPaths>> = {
  openshift: { ...DEFAULT_CNI_PATHS, binDir: '/var/lib/cni/bin', confDir: '/etc/cni/multus/net.d' },
  gke: { ...DEFAULT_CNI_PATHS, binDir: '/home/kubernetes/bin' },
  k3d: { ...DEFAULT_CNI_PATHS, binDir: '/bin', confDir: '/var/lib/rancher/k3s/agent/etc/cni/net.d' },
  k3s: { ...DEFAULT_CNI_PATHS, binDir: '/var/lib/rancher/k3s/data/cni', confDir: '/var/lib/rancher/k3s/agent/etc/cni/net.d' },
  microk8s: { ...DEFAULT_CNI_PATHS, binDir: '/var/snap/microk8s/current/opt/cni/bin', confDir: '/var/snap/microk8s/current/args/cni-network' },
  minikube: { ...DEFAULT_CNI_PATHS, netnsDir: '/var/run/docker/netns' },
};

/** Is the platform OpenShift? */
export function isOpenShift(b: Binder, values: IstioValues): boolean {
  return b.eq(values.global.platform, 'openshift');
}

/** The platform's value of one istio-cni host path (a chain of binder choices, one per platform). */
export function platformCniPath(b: Binder, values: IstioValues, key: keyof CniHostPaths): string {
  let result = DEFAULT_CNI_PATHS[key];
  for (const [platform, paths] of Object.entries(PLATFORM_CNI_PATHS)) {
    if (paths[key] === DEFAULT_CNI_PATHS[key]) continue;
    result = b.choose(b.eq(values.global.platform, platform), paths[key], result);
  }
  return result;
}

/**
 * Namespace of the node agents (istio-cni, ztunnel) when not set: kube-system on OpenShift (upstream's
 * openshift profiles put both there: OpenShift admits their privileged pods there), else the
 * control-plane namespace.
 */
export function nodeAgentNamespace(b: Binder, values: IstioValues): string {
  return b.choose(isOpenShift(b, values), 'kube-system', values.global.istioNamespace);
}

/**
 * Pod-level identity `runAsUser`/`runAsGroup`/`fsGroup` = `uid`, left out on OpenShift, which assigns
 * each namespace a UID range and refuses pods asking for a UID outside it (`restricted-v2`).
 */
export function platformIdentity(b: Binder, values: IstioValues, uid: number, fields: ReadonlyArray<'runAsUser' | 'runAsGroup' | 'fsGroup'> = ['runAsUser', 'runAsGroup', 'fsGroup']): Record<string, number | undefined> {
  const assigned = isOpenShift(b, values);
  return Object.fromEntries(fields.map((field) => [field, b.optional(b.not(assigned), uid)]));
}

/** SELinux options of the node agents: `spc_t` on OpenShift (upstream's openshift profile), so they may use host sockets. */
export function nodeAgentSeLinux(b: Binder, values: IstioValues): { type: string } | undefined {
  return b.optional(isOpenShift(b, values), { type: 'spc_t' });
}

/**
 * GKE admits `system-node-critical` pods outside kube-system only within a ResourceQuota of that
 * priority class: upstream's gke profile adds one for istio-cni and ztunnel (istioctl leaves it out
 * when it places them in kube-system).
 */
export function needsNodeCriticalQuota(b: Binder, values: IstioValues, namespace: string): boolean {
  return b.and(b.eq(values.global.platform, 'gke'), b.not(b.eq(namespace, 'kube-system')));
}

/** The ResourceQuota of upstream's gke profile (pods: 5000 of priority class system-node-critical). */
export function nodeCriticalQuotaSpec(): k8s.ResourceQuotaSpec {
  return {
    hard: { pods: quantity('5000') },
    scopeSelector: { matchExpressions: [{ operator: 'In', scopeName: 'PriorityClass', values: ['system-node-critical'] }] },
  };
}
