import { App, Testing } from 'cdk8s';
import { IstioInstallation } from '../src/profiles/installation';
import { valuesWith } from './support/values';

function install(overlay: Record<string, unknown>): { app: App; installation: IstioInstallation } {
  const app = Testing.app();
  const installation = new IstioInstallation(app, 'install', { values: valuesWith(overlay) });
  return { app, installation };
}

describe('IstioInstallation', () => {
  test('one chart per component file, in apply order', () => {
    // WHEN
    const { installation } = install({ gateways: { egress: [{}] } });

    // THEN
    expect(installation.charts.map((chart) => chart.node.id)).toEqual(['namespace', 'base', 'istiod', 'istio-ingressgateway', 'istio-egressgateway']);
  });

  test('component toggles remove their files; disabled gateway items are skipped', () => {
    // WHEN
    const { installation } = install({
      global: { createNamespace: false },
      base: { enabled: false },
      gateways: { ingress: [{ gatewayName: 'a' }, { gatewayName: 'b', enabled: false }] },
      mesh: { ingressService: 'istio-a' },
    });

    // THEN
    expect(installation.charts.map((chart) => chart.node.id)).toEqual(['istiod', 'istio-a']);
  });

  test('every object carries its Argo CD sync wave', () => {
    // WHEN
    const { installation } = install({});

    // THEN
    const waves = Object.fromEntries(installation.charts.map((chart) => [
      chart.node.id,
      [...new Set(Testing.synth(chart).map((o) => o.metadata.annotations['argocd.argoproj.io/sync-wave']))],
    ]));
    expect(waves).toEqual({ 'namespace': ['-2'], 'base': ['-1'], 'istiod': ['0'], 'istio-ingressgateway': ['1'] });
  });

  test('mesh.ingressService must name a rendered ingress gateway', () => {
    // WHEN
    const attempt = () => install({ gateways: { ingress: [{ gatewayName: 'edge' }] } });

    // THEN
    expect(attempt).toThrow('mesh.ingressService: must name a rendered ingress gateway Service (istio-edge) or mesh.ingressControllerMode must be OFF, got "istio-ingressgateway"');
  });

  test('the ingress service rule is satisfied by naming the gateway or turning Ingress support off', () => {
    expect(() => install({ gateways: { ingress: [{ gatewayName: 'edge' }] }, mesh: { ingressService: 'istio-edge' } })).not.toThrow();
    expect(() => install({ gateways: { ingress: [{ gatewayName: 'edge' }] }, mesh: { ingressControllerMode: 'OFF' } })).not.toThrow();
    expect(() => install({ gateways: { enabled: false } })).not.toThrow();
  });
});
