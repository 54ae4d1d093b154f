import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Binder } from '../values/binder';
import { quantity } from './kube-objects';

/**
 * The security baseline every istio-pack workload meets unless upstream Istio needs more
 * (only istio-cni and ztunnel do): non-root, read-only root filesystem, no capabilities,
 * no privilege escalation, seccomp RuntimeDefault.
 */

/**
 * Pod-level security context of a non-root workload, with its `identity` (runAsUser/runAsGroup/fsGroup,
 * see platformIdentity: left to the platform on OpenShift) first.
 */
export function restrictedPodSecurity(identity: k8s.PodSecurityContext = {}): k8s.PodSecurityContext {
  return {
    ...identity,
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security context of the baseline. */
export function restrictedContainerSecurity(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
  };
}

/** Kubernetes resources block: requests always, limits only where set ('' = no limit). */
export function resourceRequirements(b: Binder, resources: {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}): k8s.ResourceRequirements {
  const { cpu, memory } = resources.limits;
  // An optional limit left out is dropped at serialisation, like every optional field.
  const limit = (value: string) => b.optional(b.isSet(value), quantity(value)) as k8s.Quantity;
  return {
    requests: { cpu: quantity(resources.requests.cpu), memory: quantity(resources.requests.memory) },
    limits: b.optional(b.or(b.isSet(cpu), b.isSet(memory)), { cpu: limit(cpu), memory: limit(memory) }),
  };
}
