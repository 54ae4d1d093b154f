import { Construct } from 'constructs';
import { GatewaySpecServersTlsMode } from '../imports/networking.istio.io';
import { binderOf } from '../values/binder';
import { IstioValues } from '../values/model';
import { IstioGateway, VirtualService } from './kube-objects';
import { commonLabels, istiodName } from './labels';

/** Props of {@link MultiClusterExposure}. */
export interface MultiClusterExposureProps {
  /** Resolved values (`multiCluster.*`, `global.istioNamespace`, `global.revision`). */
  readonly values: IstioValues;
}

/**
 * What a cluster exposes to the other clusters of its mesh through its east-west gateway, as upstream's
 * samples/multicluster do it: the Gateway `cross-network-gateway` (port 15443, TLS AUTO_PASSTHROUGH for
 * `*.local`: mTLS traffic from other networks, routed by SNI) and, for primaries with remote clusters,
 * the Gateway `istiod-gateway` and VirtualService `istiod-vs` passing istiod's 15012 (xDS, CA) and 15017
 * (webhooks, Service port 443) through. Both select the east-west gateway by `istio: <gatewayName>`.
 */
export class MultiClusterExposure extends Construct {
  constructor(scope: Construct, id: string, props: MultiClusterExposureProps) {
    super(scope, id);
    const { values } = props;
    const b = binderOf(this);
    const namespace = values.global.istioNamespace;
    const labels = commonLabels(values);
    const selector = { istio: values.multiCluster.eastWestGateway };

    b.whenBuild(this, values.multiCluster.exposeServices, () => {
      new IstioGateway(this, 'cross-network-gateway', {
        metadata: { name: 'cross-network-gateway', namespace, labels },
        spec: {
          selector,
          servers: [{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, tls: { mode: GatewaySpecServersTlsMode.AUTO_UNDERSCORE_PASSTHROUGH }, hosts: ['*.local'] }],
        },
      });
    });

    b.whenBuild(this, values.multiCluster.exposeIstiod, () => {
      const passthrough = (name: string, number: number) => ({ port: { name, number, protocol: 'TLS' }, tls: { mode: GatewaySpecServersTlsMode.PASSTHROUGH }, hosts: ['*'] });
      new IstioGateway(this, 'istiod-gateway', {
        metadata: { name: 'istiod-gateway', namespace, labels },
        spec: { selector, servers: [passthrough('tls-istiod', 15012), passthrough('tls-istiodwebhook', 15017)] },
      });
      const istiod = `${istiodName(b, values)}.${namespace}.svc.cluster.local`;
      const route = (port: number, targetPort: number) => ({ match: [{ port, sniHosts: ['*'] }], route: [{ destination: { host: istiod, port: { number: targetPort } } }] });
      new VirtualService(this, 'istiod-virtual-service', {
        metadata: { name: 'istiod-vs', namespace, labels },
        spec: { hosts: ['*'], gateways: ['istiod-gateway'], tls: [route(15012, 15012), route(15017, 443)] },
      });
    });
  }
}
