import { Construct } from 'constructs';
import { PeerAuthenticationSpecMtlsMode } from '../imports/security.istio.io';
import { Binder, binderOf } from '../values/binder';
import { IstioValues } from '../values/model';
import { PeerAuthentication } from './kube-objects';
import { commonLabels } from './labels';
import { meshRootNamespace } from './mesh-config';

/** Props of {@link MeshMtlsPolicy}. */
export interface MeshMtlsPolicyProps {
  /** Resolved values. */
  readonly values: IstioValues;
}

/** Name of the mesh-wide PeerAuthentication, as Istio's documentation names it. */
export const MESH_PEER_AUTHENTICATION = 'default';

/**
 * `mesh.mtls.mode` STRICT: PeerAuthentication `default` in the mesh's root namespace, without a
 * selector, which makes every workload of the mesh refuse plaintext (security.istio.io/v1: a policy in
 * the root namespace is mesh-wide; a selector would make istiod ignore it there).
 *
 * PERMISSIVE renders nothing, because no policy already means permissive in Istio: an object would add
 * nothing, and when an existing install is adopted it would overwrite a `default` policy the user
 * created (say STRICT, set by hand) back to PERMISSIVE on every apply or GitOps sync.
 */
export class MeshMtlsPolicy extends Construct {
  /** Whether the policy is rendered: STRICT with a local control plane (a remote cluster's mesh config lives in its primary). */
  public static isRendered(b: Binder, values: IstioValues): boolean {
    return b.and(b.eq(values.mesh.mtls.mode, 'STRICT'), values.istiod.enabled, b.not(values.remote.enabled));
  }

  constructor(scope: Construct, id: string, props: MeshMtlsPolicyProps) {
    super(scope, id);
    const { values } = props;
    const b = binderOf(this);
    new PeerAuthentication(this, 'peer-authentication', {
      metadata: {
        name: MESH_PEER_AUTHENTICATION,
        namespace: meshRootNamespace(b, values),
        labels: { ...commonLabels(values), 'app.kubernetes.io/name': 'istio-mesh-policy' },
      },
      spec: { mtls: { mode: PeerAuthenticationSpecMtlsMode.STRICT } },
    });
  }
}
