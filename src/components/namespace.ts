import { Construct } from 'constructs';
import { IstioValues } from '../values/model';
import { NETWORK_LABEL } from './gateway';
import { commonLabels } from './labels';
import { KubeNamespace } from './kube-objects';

/** Props of {@link IstioNamespace}. */
export interface IstioNamespaceProps {
  /** Resolved values. */
  readonly values: IstioValues;
}

/**
 * The control-plane namespace. Emitted so that `kubectl apply -k` and GitOps tools create it before
 * the namespaced objects; `global.createNamespace: false` leaves it to whoever manages namespaces.
 */
export class IstioNamespace extends Construct {
  constructor(scope: Construct, id: string, props: IstioNamespaceProps) {
    super(scope, id);
    new KubeNamespace(this, 'Resource', {
      metadata: {
        name: props.values.global.istioNamespace,
        labels: {
          ...commonLabels(props.values),
          // istio.io's multi-network guides label the control-plane namespace with the cluster's network.
          ...(props.values.global.network === '' ? {} : { [NETWORK_LABEL]: props.values.global.network }),
        },
      },
    });
  }
}
