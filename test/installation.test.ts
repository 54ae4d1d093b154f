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
    // GIVEN
    const { app } = install({ gateways: { ingress: [{ gatewayName: 'edge' }] } });

    // WHEN
    const problems = app.node.findAll().flatMap((construct) => construct.node.validate());

    // THEN
    expect(problems).toEqual(['mesh.ingressService: must name a rendered ingress gateway Service (istio-edge) or mesh.ingressControllerMode must be OFF, got "istio-ingressgateway"']);
  });

  test('the ingress service rule is satisfied by naming the gateway or turning Ingress support off', () => {
    const validate = (app: App) => app.node.findAll().flatMap((construct) => construct.node.validate());
    expect(validate(install({ gateways: { ingress: [{ gatewayName: 'edge' }] }, mesh: { ingressService: 'istio-edge' } }).app)).toEqual([]);
    expect(validate(install({ gateways: { ingress: [{ gatewayName: 'edge' }] }, mesh: { ingressControllerMode: 'OFF' } }).app)).toEqual([]);
    expect(validate(install({ gateways: { enabled: false } }).app)).toEqual([]);
  });
});
