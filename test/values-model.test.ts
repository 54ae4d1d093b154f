import { IstioValues, VALUES_MODEL } from '../src/values/model';
import { ValuesError, mergeValues, resolveValues } from '../src/values/resolve';
import { BAD_VALUES } from './support/bad-values';
import { valuesWith } from './support/values';

describe('values model defaults', () => {
  test('the model defaults are upstream 1.30 defaults', () => {
    // WHEN
    const values: IstioValues = valuesWith();

    // THEN
    expect(values.global.hub).toBe('docker.io/istio');
    expect(values.global.tag).toBe('1.30.3');
    expect(values.global.istioNamespace).toBe('istio-system');
    expect(values.mesh.outboundTrafficPolicy).toBe('ALLOW_ANY');
    expect(values.tracing.sampling).toBe(1);
    expect(values.trafficCapture.includeIPRanges).toEqual(['*']);
    expect(values.istiod.autoscale).toEqual({ enabled: true, min: 1, max: 5, targetCPUUtilizationPercentage: 80 });
    expect(values.istiod.resources.requests).toEqual({ cpu: '500m', memory: '2048Mi' });
    expect(values.gateways.ingress).toHaveLength(1);
    expect(values.gateways.ingress[0].gatewayName).toBe('ingressgateway');
    expect(values.gateways.ingress[0].ports.map((p) => `${p.name}:${p.port}->${p.targetPort}`))
      .toEqual(['status-port:15021->15021', 'http2:80->8080', 'https:443->8443']);
    expect(values.gateways.egress).toEqual([]);
  });

  test('list items get the item defaults', () => {
    // WHEN
    const values = valuesWith({ gateways: { egress: [{ gatewayName: 'egress-a' }] } });

    // THEN
    const egress = values.gateways.egress[0];
    expect(egress.serviceType).toBe('ClusterIP');
    expect(egress.ports.map((p) => p.port)).toEqual([80, 443]);
    expect(egress.minReplicas).toBe(1);
    expect(egress.maxReplicas).toBe(5);
  });

  test('every setting has a description', () => {
    // GIVEN
    const missing: string[] = [];
    const visit = (setting: any, path: string) => {
      if (!setting.docs?.description) missing.push(path);
      if (setting.kind === 'object') for (const [key, child] of Object.entries(setting.properties)) visit(child, `${path}.${key}`);
      if (setting.kind === 'list') visit(setting.items, `${path}[]`);
      if (setting.kind === 'map') visit(setting.values, `${path}.*`);
    };

    // WHEN
    visit(VALUES_MODEL, '');

    // THEN
    expect(missing).toEqual([]);
  });
});

describe('layering', () => {
  test('maps merge, lists replace, null removes', () => {
    // WHEN
    const merged = mergeValues(
      { a: { b: 1, c: [1, 2] }, d: 'x' },
      { a: { c: [3] }, d: null },
    );

    // THEN
    expect(merged).toEqual({ a: { b: 1, c: [3] } });
  });

  test('later layers win', () => {
    // WHEN
    const values = resolveValues([
      { source: 'first', values: { tracing: { sampling: 10, enabled: true } } },
      { source: 'second', values: { tracing: { sampling: 20 } } },
    ]);

    // THEN
    expect(values.tracing).toMatchObject({ enabled: true, sampling: 20 });
  });
});

describe('bad values are rejected with the path and the expectation', () => {

  test.each(BAD_VALUES)('%s', (_title, overlay, expected) => {
    // WHEN
    const attempt = () => resolveValues([{ source: 'my-values.yaml', values: overlay }]);

    // THEN
    expect(attempt).toThrow(ValuesError);
    try {
      attempt();
    } catch (error) {
      // Exactly this problem: no echo of it by another check, no follow-up error caused by it.
      const issues = (error as ValuesError).issues.map((issue) => `${issue.path}: ${issue.message}`);
      expect(issues).toEqual([expected]);
      expect((error as Error).message).toContain('(values from my-values.yaml)');
    }
  });

  test('every problem is reported at once', () => {
    // WHEN
    const attempt = () => valuesWith({ tracing: { sampling: -1 }, mesh: { trustDomain: '' } });

    // THEN
    expect(attempt).toThrow(/tracing\.sampling: must be 0-100, got -1[\s\S]*mesh\.trustDomain|mesh\.trustDomain[\s\S]*tracing\.sampling/);
  });

  test('targetPort 0 is accepted and means "same as port"', () => {
    // WHEN
    const values = valuesWith({ gateways: { ingress: [{ ports: [{ name: 'https', port: 443, targetPort: 0, nodePort: 31390 }] }] } });

    // THEN
    expect(values.gateways.ingress[0].ports[0]).toMatchObject({ port: 443, targetPort: 0, nodePort: 31390 });
  });
});
