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

/** `istio.io/rev` value of the control plane: the revision, or `default`. */
export function revisionLabel(values: IstioValues): string {
  return values.global.revision === '' ? 'default' : values.global.revision;
}

/** Appends `-<revision>` to a name when a revision is set, as upstream names revisioned objects. */
export function withRevision(name: string, values: IstioValues): string {
  return values.global.revision === '' ? name : `${name}-${values.global.revision}`;
}

/** Name of the istiod Deployment/Service/ServiceAccount: `istiod` or `istiod-<revision>`. */
export function istiodName(values: IstioValues): string {
  return withRevision('istiod', values);
}

/** Address of istiod's xDS/CA port inside the cluster. */
export function istiodAddress(values: IstioValues): string {
  return `${istiodName(values)}.${values.global.istioNamespace}.svc:15012`;
}

/** Full image reference of an Istio image (`pilot`, `proxyv2`, ...). */
export function istioImage(values: IstioValues, image: string): string {
  const variant = values.global.variant === '' ? '' : `-${values.global.variant}`;
  return `${values.global.hub}/${image}:${values.global.tag}${variant}`;
}
