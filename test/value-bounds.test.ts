import { VALUES_MODEL } from '../src/values/model';
import { ValuesError } from '../src/values/resolve';
import { ListSetting, MapSetting, NumberSetting, ObjectSetting, Setting } from '../src/values/schema';
import { valuesWith } from './support/values';

/**
 * Every bounded number of the values model, walked generically: min-1 and max+1 refused with the value
 * path, min and max accepted. The expected bounds are facts from Kubernetes and Istio, not read back from
 * the model, so a changed bound fails; a bounded number missing from the table fails too.
 */

interface Bound { readonly min: number; readonly max: number; readonly integer: boolean; readonly zeroAllowed?: boolean; readonly why: string }

const PORT = { min: 1, max: 65535, integer: true, why: 'TCP/UDP port range (Kubernetes ContainerPort/ServicePort validation)' } as const;
const NODE_PORT = { min: 30000, max: 32767, integer: true, why: 'kube-apiserver --service-node-port-range default 30000-32767' } as const;
const PERCENT = { min: 1, max: 100, integer: true, why: 'HPA CPU utilisation target in % of requests' } as const;
const GATEWAY_REPLICAS = { min: 1, max: 1000, integer: true, why: 'autoscaler replicas: at least 1, a sanity cap' } as const;

const EXPECTED_BOUNDS: Readonly<Record<string, Bound>> = {
  'trafficCapture.excludeInboundPorts[]': PORT,
  'trafficCapture.includeOutboundPorts[]': PORT,
  'trafficCapture.excludeOutboundPorts[]': PORT,
  'tracing.sampling': { min: 0, max: 100, integer: false, why: 'meshConfig tracing sampling is a percentage 0.0-100.0' },
  'istiod.replicaCount': { min: 1, max: 100, integer: true, why: 'at least one istiod; a sanity cap' },
  'istiod.autoscale.min': { min: 1, max: 100, integer: true, why: 'HPA minReplicas >= 1' },
  'istiod.autoscale.max': { min: 1, max: 100, integer: true, why: 'HPA maxReplicas >= 1' },
  'istiod.autoscale.targetCPUUtilizationPercentage': PERCENT,
  ...Object.fromEntries(['ingress', 'egress'].flatMap((kind) => [
    [`gateways.${kind}[].replicaCount`, { min: 0, max: 1000, integer: true, why: 'a gateway may be scaled to 0 when autoscaling is off' }],
    [`gateways.${kind}[].minReplicas`, GATEWAY_REPLICAS],
    [`gateways.${kind}[].maxReplicas`, GATEWAY_REPLICAS],
    [`gateways.${kind}[].targetCPUUtilizationPercentage`, PERCENT],
    [`gateways.${kind}[].ports[].port`, PORT],
    [`gateways.${kind}[].ports[].targetPort`, { ...PORT, zeroAllowed: true, why: 'a port, or 0 for "same as port" (README)' }],
    [`gateways.${kind}[].ports[].nodePort`, NODE_PORT],
  ])),
};

/** Every number setting of the model with its path (`[]` for list items). */
function numberSettings(setting: Setting<any>, at: string): Array<[string, NumberSetting<any>]> {
  if (setting instanceof NumberSetting) return [[at, setting]];
  if (setting instanceof ObjectSetting) {
    return Object.entries(setting.properties as Record<string, Setting<any>>).flatMap(([key, child]) => numberSettings(child, at ? `${at}.${key}` : key));
  }
  if (setting instanceof ListSetting) return numberSettings(setting.items, `${at}[]`);
  if (setting instanceof MapSetting) return numberSettings(setting.values, `${at}.*`);
  return [];
}

/** A values overlay holding `value` at `path` (list levels become one-item lists), and the path errors name. */
function overlayAt(path: string, value: number): { overlay: Record<string, unknown>; errorPath: string } {
  const segments = path.split('.');
  // A list level becomes a one-item list whose item is the next level.
  const nest = (index: number): unknown => {
    if (index === segments.length) return value;
    const segment = segments[index];
    if (!segment.endsWith('[]')) return { [segment]: nest(index + 1) };
    return { [segment.slice(0, -2)]: [nest(index + 1)] };
  };
  return { overlay: nest(0) as Record<string, unknown>, errorPath: path.replace(/\[\]/g, '[0]') };
}

/** A per-field range or type message (cross-field rules such as "must be <= maxReplicas (5)" are not about the bound). */
const RANGE_MESSAGE = /^must be (an integer|(0 or )?(-?[\d.]+-[\d.]+|>= -?[\d.]+|<= -?[\d.]+)), got /;

/** The range/type messages of issues at exactly `path` about `value`. */
function issuesAbout(overlay: Record<string, unknown>, path: string, value: number): string[] {
  try {
    valuesWith(overlay);
    return [];
  } catch (error) {
    if (!(error instanceof ValuesError)) throw error;
    return error.issues
      .filter((issue) => issue.path === path && RANGE_MESSAGE.test(issue.message) && issue.message.endsWith(`got ${value}`))
      .map((issue) => issue.message);
  }
}

const settings = numberSettings(VALUES_MODEL, '');

describe('numeric bounds of the values model', () => {
  test('every number of the model is bounded as the table says, and the table has no extra rows', () => {
    // WHEN
    const actual = Object.fromEntries(settings.map(([path, setting]) => [path, {
      min: setting.options.minimum,
      max: setting.options.maximum,
      integer: setting.integer,
      zeroAllowed: setting.options.allowZero === true,
    }]));

    // THEN
    const expected = Object.fromEntries(Object.entries(EXPECTED_BOUNDS).map(([path, bound]) => [path, {
      min: bound.min, max: bound.max, integer: bound.integer, zeroAllowed: bound.zeroAllowed === true,
    }]));
    expect(actual).toEqual(expected);
  });

  const probes = Object.entries(EXPECTED_BOUNDS).flatMap(([path, bound]) => {
    const step = bound.integer ? 1 : 0.001;
    const below = bound.zeroAllowed && bound.min - step === 0 ? -1 : bound.min - step;
    return [
      [path, below, 'refused'],
      [path, bound.min, 'accepted'],
      [path, bound.max, 'accepted'],
      [path, bound.max + step, 'refused'],
      ...(bound.zeroAllowed ? [[path, 0, 'accepted']] : []),
      ...(bound.integer ? [[path, bound.min + 0.5, 'refused']] : []),
    ] as Array<[string, number, 'accepted' | 'refused']>;
  });

  test.each(probes)('%s = %d is %s', (path, value, outcome) => {
    // GIVEN
    const { overlay, errorPath } = overlayAt(path, value);

    // WHEN
    const messages = issuesAbout(overlay, errorPath, value);

    // THEN a refusal names the path and the allowed range; an accepted value has no issue of its own
    const refusal = [expect.stringMatching(RANGE_MESSAGE)];
    expect(messages).toEqual(outcome === 'accepted' ? [] : refusal);
  });

  test('nodePort: 29999 and 32768 refused, 30000 and 32767 accepted, on a NodePort gateway', () => {
    const gateway = (nodePort: number) => ({ gateways: { ingress: [{ gatewayName: 'ingressgateway', serviceType: 'NodePort', ports: [{ name: 'http2', port: 80, nodePort }] }] } });
    const path = 'gateways.ingress[0].ports[0].nodePort';
    expect(issuesAbout(gateway(29999), path, 29999)).toEqual(['must be 30000-32767, got 29999']);
    expect(issuesAbout(gateway(32768), path, 32768)).toEqual(['must be 30000-32767, got 32768']);
    expect(() => valuesWith(gateway(30000))).not.toThrow();
    expect(() => valuesWith(gateway(32767))).not.toThrow();
  });
});
