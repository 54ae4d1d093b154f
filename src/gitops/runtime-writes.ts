import { DeliveredProfile, KubeObject, allObjects, apiGroup } from './delivered-profile';

/**
 * Fields that istiod writes into objects GitOps tools also manage, found in upstream Istio 1.30.3:
 * - pkg/webhooks/webhookpatch.go (WebhookCertPatcher): for every MutatingWebhookConfiguration labelled
 *   `istio.io/rev=<istiod's revision>` it sets `webhooks[*].clientConfig.caBundle` to istiod's CA.
 * - pkg/webhooks/validation/controller/controller.go: for every ValidatingWebhookConfiguration labelled
 *   `istio.io/rev=<revision>` it sets `webhooks[*].clientConfig.caBundle`, and once its own webhook
 *   answers it sets `failurePolicy: Fail` (one way since istio/istio#48367).
 * istio-pack renders no caBundle (so Git and the cluster always differ there) and renders
 * `failurePolicy: Fail` by default, but a values file may choose `Ignore`, which istiod then flips.
 * Deployments scaled by an HPA need nothing: istio-pack renders no `replicas` next to an HPA.
 */
export interface RuntimeWrite {
  /** API group, kind and name of the object istiod writes to. */
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  /** The fields as jq path expressions (Argo CD `jqPathExpressions`). */
  readonly jqPaths: readonly string[];
  /** The same fields as JSON pointers, one per webhook (Flux `driftDetection.ignore.paths`). */
  readonly jsonPointers: readonly string[];
}

const REVISION_LABEL = 'istio.io/rev';

/** The runtime writes istiod makes to the webhook configurations of `profile`, in render order. */
export function runtimeWrites(profile: DeliveredProfile): RuntimeWrite[] {
  const writes: RuntimeWrite[] = [];
  for (const object of allObjects(profile)) {
    if (apiGroup(object) !== 'admissionregistration.k8s.io') continue;
    // istiod only patches configurations carrying its revision label (both patchers filter on it).
    if (object.metadata?.labels?.[REVISION_LABEL] === undefined) continue;
    const webhooks: readonly KubeObject[] = object.webhooks ?? [];
    if (object.kind === 'MutatingWebhookConfiguration') {
      writes.push(write(object, ['.webhooks[]?.clientConfig.caBundle'], webhooks.map((_, i) => `/webhooks/${i}/clientConfig/caBundle`)));
    } else if (object.kind === 'ValidatingWebhookConfiguration') {
      writes.push(write(object, ['.webhooks[]?.clientConfig.caBundle', '.webhooks[]?.failurePolicy'],
        webhooks.flatMap((_, i) => [`/webhooks/${i}/clientConfig/caBundle`, `/webhooks/${i}/failurePolicy`])));
    }
  }
  return writes;
}

function write(object: KubeObject, jqPaths: string[], jsonPointers: string[]): RuntimeWrite {
  return { group: apiGroup(object), kind: object.kind, name: object.metadata.name, jqPaths, jsonPointers };
}
