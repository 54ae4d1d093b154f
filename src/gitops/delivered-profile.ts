/** A Kubernetes object as rendered (plain JSON). */
export type KubeObject = Record<string, any>;

/** What the GitOps objects need to know of one synthesised profile. */
export interface DeliveredProfile {
  /** Profile name: dist/<name>/ and dist/helm-values/<name>.yaml. */
  readonly name: string;
  /** Namespace of the control plane (the Applications' destination namespace). */
  readonly istioNamespace: string;
  /** Manifest file name (as in dist/<name>/) → its objects, in apply order; kustomization.yaml excluded. */
  readonly manifests: ReadonlyMap<string, readonly KubeObject[]>;
}

/** The Argo CD sync-wave annotation every rendered object carries (src/profiles/installation.ts). */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** Every object of a profile, in apply order. */
export function allObjects(profile: DeliveredProfile): KubeObject[] {
  return [...profile.manifests.values()].flat();
}

/** API group of an object ('' for the core group). */
export function apiGroup(object: KubeObject): string {
  const apiVersion = String(object.apiVersion);
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}
