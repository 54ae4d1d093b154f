import { ConcreteBinder } from '../src/values/binder';
import { IstioGateway, effectiveTargetPort } from '../src/components/gateway';
import { ACK_INGRESS } from './support/ack';
import { only, synthComponent, valuesWith } from './support/values';


function gatewayObjects(overlay: Record<string, unknown>, kind: 'ingress' | 'egress' = 'ingress') {
  const values = valuesWith(overlay);
  const gateway = kind === 'ingress' ? values.gateways.ingress[0] : values.gateways.egress[0];
  return synthComponent((scope) => new IstioGateway(scope, 'gw', { values, gateway, kind }));
}

describe('IstioGateway', () => {
  test('renders upstream names, selectors and the default ingress ports', () => {
    // WHEN
    const objects = gatewayObjects({});

    // THEN
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/istio-ingressgateway-service-account',
      'Role/istio-ingressgateway-sds',
      'RoleBinding/istio-ingressgateway-sds',
      'Deployment/istio-ingressgateway',
      'Service/istio-ingressgateway',
      'HorizontalPodAutoscaler/istio-ingressgateway',
    ]);
    const deployment = only(objects, 'Deployment');
    expect(deployment.spec.selector.matchLabels).toEqual({ app: 'istio-ingressgateway', istio: 'ingressgateway' });
    const service = only(objects, 'Service');
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.selector).toEqual({ app: 'istio-ingressgateway', istio: 'ingressgateway' });
    expect(service.spec.ports).toEqual([
      { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021 },
      { name: 'http2', port: 80, protocol: 'TCP', targetPort: 8080 },
      { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 },
    ]);
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe('docker.io/istio/proxyv2:1.30.3');
    expect(container.args.slice(0, 2)).toEqual(['proxy', 'router']);
    expect(container.ports.map((p: any) => p.containerPort)).toEqual([15021, 8080, 8443, 15090]);
  });

  test('the ACK console block renders nodePorts, LoadBalancer and an HPA of 1..5; targetPort 0 means the port itself', () => {
    // WHEN
    const objects = gatewayObjects({ gateways: { enabled: true, ingress: [ACK_INGRESS], k8singress: {} } });

    // THEN
    const service = only(objects, 'Service');
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.ports).toEqual([
      { name: 'status-port', port: 15020, protocol: 'TCP', targetPort: 15020 },
      { name: 'http2', nodePort: 31380, port: 80, protocol: 'TCP', targetPort: 80 },
      { name: 'https', nodePort: 31390, port: 443, protocol: 'TCP', targetPort: 443 },
      { name: 'tls', port: 15443, protocol: 'TCP', targetPort: 15443 },
    ]);
    const hpa = only(objects, 'HorizontalPodAutoscaler');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([1, 5]);
    const deployment = only(objects, 'Deployment');
    expect(deployment.spec.template.spec.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]);
  });

  test('effectiveTargetPort maps 0 to the service port', () => {
    expect(effectiveTargetPort(new ConcreteBinder(), { name: 'https', port: 443, targetPort: 0, protocol: 'TCP' })).toBe(443);
    expect(effectiveTargetPort(new ConcreteBinder(), { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' })).toBe(8443);
  });

  test('fixed replicas without autoscaling; a PDB once two replicas are kept', () => {
    // WHEN
    const objects = gatewayObjects({ gateways: { ingress: [{ autoscaleEnabled: false, replicaCount: 2 }] } });

    // THEN
    expect(only(objects, 'Deployment').spec.replicas).toBe(2);
    expect(objects.some((o) => o.kind === 'HorizontalPodAutoscaler')).toBe(false);
    expect(only(objects, 'PodDisruptionBudget').spec).toEqual({ minAvailable: 1, selector: { matchLabels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } } });
  });

  test('a minReplicas of 2 under autoscaling adds the PDB', () => {
    expect(gatewayObjects({ gateways: { ingress: [{ minReplicas: 2 }] } }).some((o) => o.kind === 'PodDisruptionBudget')).toBe(true);
  });

  test('load-balancer settings and annotations reach the Service', () => {
    // WHEN
    const service = only(gatewayObjects({
      gateways: {
        ingress: [{
          serviceAnnotations: { 'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type': 'intranet' },
          loadBalancerIP: '198.51.100.7',
          loadBalancerSourceRanges: ['203.0.113.0/24'],
          externalTrafficPolicy: 'Local',
        }],
      },
    }), 'Service');

    // THEN
    expect(service.metadata.annotations).toEqual({ 'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type': 'intranet' });
    expect(service.spec).toMatchObject({ loadBalancerIP: '198.51.100.7', loadBalancerSourceRanges: ['203.0.113.0/24'], externalTrafficPolicy: 'Local' });
  });

  test('an egress gateway defaults to ClusterIP with the egress labels and cert volumes', () => {
    // WHEN
    const objects = gatewayObjects({ gateways: { egress: [{}] } }, 'egress');

    // THEN
    const service = only(objects, 'Service', 'istio-egressgateway');
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.ports.map((p: any) => p.port)).toEqual([80, 443]);
    const deployment = only(objects, 'Deployment');
    expect(deployment.metadata.labels['operator.istio.io/component']).toBe('EgressGateways');
    expect(deployment.spec.template.spec.volumes.map((v: any) => v.name)).toContain('egressgateway-certs');
  });

  test('scheduling settings and extra env are applied to the pods', () => {
    // WHEN
    const spec = only(gatewayObjects({
      gateways: {
        ingress: [{
          nodeSelector: { 'node-role': 'edge' },
          tolerations: [{ key: 'edge', operator: 'Exists', effect: 'NoSchedule' }],
          env: { ISTIO_META_HTTP10: '1' },
        }],
      },
    }), 'Deployment').spec.template.spec;

    // THEN
    expect(spec.nodeSelector).toEqual({ 'node-role': 'edge' });
    expect(spec.tolerations).toEqual([{ key: 'edge', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(spec.containers[0].env).toContainEqual({ name: 'ISTIO_META_HTTP10', value: '1' });
  });
});
