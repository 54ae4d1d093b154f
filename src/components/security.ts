import { Binder } from '../values/binder';

/**
 * The security baseline every istio-pack workload meets unless upstream Istio needs more
 * (only istio-cni and ztunnel do): non-root, read-only root filesystem, no capabilities,
 * no privilege escalation, seccomp RuntimeDefault.
 */

/**
 * Pod-level security context of a non-root workload, with its `identity` (runAsUser/runAsGroup/fsGroup,
 * see platformIdentity: left to the platform on OpenShift) first.
 */
export function restrictedPodSecurity(identity: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...identity,
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security context of the baseline. */
export function restrictedContainerSecurity(): Record<string, unknown> {
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
}): Record<string, unknown> {
  const { cpu, memory } = resources.limits;
  return {
    requests: { cpu: resources.requests.cpu, memory: resources.requests.memory },
    limits: b.optional(b.or(b.isSet(cpu), b.isSet(memory)), {
      cpu: b.optional(b.isSet(cpu), cpu),
      memory: b.optional(b.isSet(memory), memory),
    }),
  };
}
