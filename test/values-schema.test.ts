import Ajv from 'ajv';
import * as yaml from 'js-yaml';
import { renderChart } from '../src/outputs/chart';
import { profileValuesFile } from '../src/outputs/profile-files';
import { BUILTIN_PROFILES } from '../src/profiles/builtin-profiles';
import { mergeValues } from '../src/values/resolve';

const files = renderChart();
const schema = JSON.parse(files.get('values.schema.json') as string);
const chartValues = yaml.load(files.get('values.yaml') as string) as Record<string, unknown>;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** Validates values.yaml layered with `overlay`, as Helm validates the coalesced values. */
function errorsOf(overlay: Record<string, unknown>): Array<{ instancePath: string; message?: string; params: unknown }> {
  const values = mergeValues(chartValues, overlay);
  return validate(values) ? [] : [...(validate.errors ?? [])];
}

describe('values.schema.json', () => {
  test('is a draft-07 schema that refuses unknown keys at the root', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.gateways.properties.ingress.items.additionalProperties).toBe(false);
  });

  test('every pattern is a valid regular expression for JSON-schema validators (unicode mode)', () => {
    const patterns: string[] = [];
    const visit = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node !== null && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'pattern' && typeof value === 'string') patterns.push(value);
          else visit(value);
        }
      }
    };
    visit(schema);
    expect(patterns.length).toBeGreaterThan(20);
    for (const pattern of patterns) expect(() => new RegExp(pattern, 'u')).not.toThrow();
  });

  test('accepts the chart defaults and every profile overlay', () => {
    expect(errorsOf({})).toEqual([]);
    for (const profile of BUILTIN_PROFILES) {
      expect({ profile: profile.name, errors: errorsOf(yaml.load(profileValuesFile(profile)) as Record<string, unknown>) }).toEqual({ profile: profile.name, errors: [] });
    }
  });

  test('accepts the ACK console block, k8singress included', () => {
    expect(errorsOf({
      gateways: {
        enabled: true,
        ingress: [{ enabled: true, gatewayName: 'ingressgateway', maxReplicas: 5, minReplicas: 1, replicaCount: 1, serviceType: 'LoadBalancer', ports: [{ name: 'https', nodePort: 31390, port: 443, targetPort: 0 }] }],
        k8singress: {},
      },
    })).toEqual([]);
  });

  const badCases: Array<[string, Record<string, unknown>, string, string]> = [
    ['unknown root key', { gatway: {} }, '', 'additionalProperties'],
    ['unknown nested key', { mesh: { acessLogFile: '/dev/stdout' } }, '/mesh', 'additionalProperties'],
    ['unknown gateway item key', { gateways: { ingress: [{ gatewayname: 'x' }] } }, '/gateways/ingress/0', 'additionalProperties'],
    ['nodePort below 30000', { gateways: { ingress: [{ ports: [{ name: 'http2', port: 80, nodePort: 80 }] }] } }, '/gateways/ingress/0/ports/0/nodePort', 'minimum'],
    ['port above 65535', { gateways: { ingress: [{ ports: [{ name: 'http2', port: 70000 }] }] } }, '/gateways/ingress/0/ports/0/port', 'maximum'],
    ['targetPort negative', { gateways: { ingress: [{ ports: [{ name: 'http2', port: 80, targetPort: -1 }] }] } }, '/gateways/ingress/0/ports/0/targetPort', 'minimum'],
    ['port name not a DNS label', { gateways: { ingress: [{ ports: [{ name: 'HTTP_2', port: 80 }] }] } }, '/gateways/ingress/0/ports/0/name', 'pattern'],
    ['unknown serviceType', { gateways: { ingress: [{ serviceType: 'External' }] } }, '/gateways/ingress/0/serviceType', 'enum'],
    ['protocol not TCP/UDP/SCTP', { gateways: { ingress: [{ ports: [{ name: 'http2', port: 80, protocol: 'HTTP' }] }] } }, '/gateways/ingress/0/ports/0/protocol', 'enum'],
    ['replicas as a string', { gateways: { ingress: [{ replicaCount: 'two' }] } }, '/gateways/ingress/0/replicaCount', 'type'],
    ['empty ports list', { gateways: { ingress: [{ ports: [] }] } }, '/gateways/ingress/0/ports', 'minItems'],
    ['bad CIDR in includeIPRanges', { trafficCapture: { includeIPRanges: ['10.0.0.0/33'] } }, '/trafficCapture/includeIPRanges/0', 'pattern'],
    ['not a CIDR in excludeIPRanges', { trafficCapture: { excludeIPRanges: ['192.168.1.1'] } }, '/trafficCapture/excludeIPRanges/0', 'pattern'],
    ['duplicate CIDRs', { trafficCapture: { excludeIPRanges: ['10.0.0.0/8', '10.0.0.0/8'] } }, '/trafficCapture/excludeIPRanges', 'uniqueItems'],
    ['bad loadBalancerSourceRanges', { gateways: { ingress: [{ loadBalancerSourceRanges: ['everyone'] }] } }, '/gateways/ingress/0/loadBalancerSourceRanges/0', 'pattern'],
    ['sampling above 100', { tracing: { sampling: 150 } }, '/tracing/sampling', 'maximum'],
    ['tracing endpoint without port', { tracing: { endpoint: 'zipkin.istio-system' } }, '/tracing/endpoint', 'pattern'],
    ['unknown tracing provider', { tracing: { provider: 'datadog' } }, '/tracing/provider', 'enum'],
    ['outbound policy', { mesh: { outboundTrafficPolicy: 'DENY' } }, '/mesh/outboundTrafficPolicy', 'enum'],
    ['namespace not a DNS label', { global: { istioNamespace: 'Istio_System' } }, '/global/istioNamespace', 'pattern'],
    ['resource quantity', { istiod: { resources: { requests: { cpu: 'lots' } } } }, '/istiod/resources/requests/cpu', 'pattern'],
    ['empty CPU request', { istiod: { resources: { requests: { cpu: '' } } } }, '/istiod/resources/requests/cpu', 'minLength'],
    ['boolean as string', { sidecarInjection: { enabled: 'yes' } }, '/sidecarInjection/enabled', 'type'],
    ['image pull policy', { global: { imagePullPolicy: 'Sometimes' } }, '/global/imagePullPolicy', 'enum'],
    ['map instead of list', { gateways: { egress: { gatewayName: 'x' } } }, '/gateways/egress', 'type'],
    ['Prometheus retention', { addons: { prometheus: { retention: 'forever' } } }, '/addons/prometheus/retention', 'pattern'],
  ];

  test.each(badCases)('rejects %s at the value path', (_title, overlay, path, keyword) => {
    // WHEN
    const errors = errorsOf(overlay);

    // THEN
    expect(errors.map((error: any) => `${error.instancePath} ${error.keyword}`)).toContain(`${path} ${keyword}`);
  });
});
