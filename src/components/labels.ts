import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Binder } from '../values/binder';
import { IstioValues } from '../values/model';

/**
 * Labels every istio-pack object carries, as Istio's own charts do (`istio.labels`) when rendered with
 * release name `istio`. None of them is ever used in a selector, so changing them never breaks upgrades.
 */
export function commonLabels(values: IstioValues): Record<string, string> {
  return {
    'app.kubernetes.io/instance': 'istio',
    'app.kubernetes.io/part-of': 'istio',
    'app.kubernetes.io/version': values.global.tag,
  };
}

/** Is a control-plane revision set? */
export function isRevisioned(b: Binder, values: IstioValues): boolean {
  return b.isSet(values.global.revision);
}

/** `istio.io/rev` value of the control plane: the revision, or `default`. */
export function revisionLabel(b: Binder, values: IstioValues): string {
  return b.fallback(values.global.revision, 'default');
}

/** Appends `-<revision>` to a name when a revision is set, as upstream names revisioned objects. */
export function withRevision(b: Binder, values: IstioValues, name: string): string {
  return b.choose(isRevisioned(b, values), `${name}-${values.global.revision}`, name);
}

/** Name of the istiod Deployment/Service/ServiceAccount: `istiod` or `istiod-<revision>`. */
export function istiodName(b: Binder, values: IstioValues): string {
  return withRevision(b, values, 'istiod');
}

/** Address of istiod's xDS/CA port inside the cluster. */
export function istiodAddress(b: Binder, values: IstioValues): string {
  return `${istiodName(b, values)}.${values.global.istioNamespace}.svc:15012`;
}

/** Full image reference of an Istio image (`pilot`, `proxyv2`, ...). */
export function istioImage(b: Binder, values: IstioValues, image: string): string {
  const variant = b.choose(b.isSet(values.global.variant), `-${values.global.variant}`, '');
  return `${values.global.hub}/${image}:${values.global.tag}${variant}`;
}

/** `imagePullSecrets` of a pod or ServiceAccount, left out when there are none. */
export function pullSecrets(b: Binder, values: IstioValues): k8s.LocalObjectReference[] | undefined {
  return b.optional(b.isSet(values.global.imagePullSecrets), b.each(values.global.imagePullSecrets, (secret) => ({ name: secret })));
}
