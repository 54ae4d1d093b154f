import { Construct } from 'constructs';
import { IstioValues } from '../values/model';
import { KubeNamespace } from './kube-objects';

/** Props of {@link MeshNamespaces}. */
export interface MeshNamespacesProps {
  /** Resolved values (`meshNamespaces`). */
  readonly values: IstioValues;
}

/**
 * Annotations that keep GitOps tools from deleting a namespace they apply labels to:
 * - Argo CD (user guide, "Sync Options"): `Prune=false` skips the object when it leaves Git (the app
 *   shows OutOfSync instead), `Delete=false` keeps it when the Application is deleted;
 * - Flux kustomize-controller: `kustomize.toolkit.fluxcd.io/prune: disabled` excludes it from garbage
 *   collection, both when it leaves the source and when the Kustomization is deleted.
 * Both tools read the annotation from the live object, which keeps it after the namespace left the list.
 */
export const KEEP_NAMESPACE_ANNOTATIONS: Readonly<Record<string, string>> = {
  'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
};

/** The labels that put a namespace in the mesh, as istio.io documents them. */
export function membershipLabels(item: IstioValues['meshNamespaces'][number]): Record<string, string> {
  const revision: Record<string, string> = item.revision === '' ? {} : { 'istio.io/rev': item.revision };
  if (item.dataplane === 'ambient') return { 'istio.io/dataplane-mode': 'ambient', ...revision };
  // istio-injection=enabled wins over istio.io/rev, so only one of them is ever set.
  return item.revision === '' ? { 'istio-injection': 'enabled' } : revision;
}

/**
 * `meshNamespaces`: one partial Namespace per item — name, membership labels and the keep annotations,
 * nothing else — for server-side apply (kubectl apply --server-side, Argo CD ServerSideApply=true,
 * Flux): the applier owns only those fields of a namespace that someone else created and manages.
 * dist/ only: Helm cannot do this (see README, "Mesh namespaces").
 */
export class MeshNamespaces extends Construct {
  constructor(scope: Construct, id: string, props: MeshNamespacesProps) {
    super(scope, id);
    for (const item of props.values.meshNamespaces) {
      new KubeNamespace(this, item.name, {
        metadata: { name: item.name, labels: membershipLabels(item), annotations: { ...KEEP_NAMESPACE_ANNOTATIONS } },
      });
    }
  }
}
