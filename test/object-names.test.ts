import { ApiObject, App, Chart } from 'cdk8s';
import { IstioInstallation, duplicateObjects } from '../src/profiles/installation';
import { IstioValues, RESERVED_GATEWAY_NAMES } from '../src/values/model';
import { valuesWith } from './support/values';

/** Values that turn every component on, with one probe gateway of each kind. */
function everything(overlay: Record<string, unknown>): IstioValues {
  return valuesWith({
    cni: { enabled: true },
    ambient: { enabled: true },
    remote: { enabled: false },
    gateways: { ingress: [{ gatewayName: 'gwprobe' }], egress: [{ gatewayName: 'gwprobe-egress' }] },
    mesh: { ingressService: 'istio-gwprobe' },
    addons: {
      prometheus: { enabled: true },
      grafana: { enabled: true },
      jaeger: { enabled: true },
      kiali: { enabled: true, auth: { strategy: 'basic', basic: { htpasswdSecret: { name: 'kiali-users' } } } },
    },
    ...overlay,
  });
}

function objectsOf(values: IstioValues): ApiObject[] {
  const app = new App({ outdir: 'unused' });
  new IstioInstallation(app, 'probe', { values });
  return app.node.findAll().filter(ApiObject.isApiObject);
}

const GATEWAY_NAME = /^[a-z0-9]([-a-z0-9]{0,48}[a-z0-9])?$/;

describe('gateway names that would take other objects\' names', () => {
  test.each([[''], ['canary']])('RESERVED_GATEWAY_NAMES is exactly the names that collide (revision %j)', (revision) => {
    // GIVEN every component, rendered with probe gateways
    const objects = objectsOf(everything({ global: { revision } }));
    const isGateway = (object: ApiObject) => /\/istio-gwprobe(-egress)?\//.test(object.node.path);
    const gatewayObjects = objects.filter(isGateway);
    const others = objects.filter((object) => !isGateway(object));
    expect(gatewayObjects.length).toBeGreaterThan(10);

    // WHEN every gateway object name is turned into a pattern over the gateway name
    const colliding = new Set<string>();
    for (const gatewayObject of gatewayObjects) {
      const probe = gatewayObject.name.includes('gwprobe-egress') ? 'gwprobe-egress' : 'gwprobe';
      const escaped = gatewayObject.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const pattern = new RegExp(`^${escaped.replace(probe, '(.+)')}$`);
      for (const other of others.filter((candidate) => candidate.kind === gatewayObject.kind)) {
        const match = pattern.exec(other.name);
        if (match && GATEWAY_NAME.test(match[1])) colliding.add(match[1]);
      }
    }

    // THEN the model refuses exactly those names
    expect([...colliding].sort()).toEqual([...RESERVED_GATEWAY_NAMES].sort());
  });
});

describe('two objects of one kind and name', () => {
  test('are refused when dist/ is rendered, naming both constructs', () => {
    // GIVEN values that slipped past the model's checks (a gateway named like base's reader account)
    const values = valuesWith({});
    const bypassed: IstioValues = { ...values, gateways: { ...values.gateways, ingress: [{ ...values.gateways.ingress[0], gatewayName: 'reader' }] } };
    const app = new App({ outdir: 'unused' });
    const installation = new IstioInstallation(app, 'default', { values: { ...bypassed, mesh: { ...bypassed.mesh, ingressService: 'istio-reader' } } });

    // WHEN
    const problems = installation.node.validate();

    // THEN
    expect(problems).toEqual([
      'ServiceAccount.core istio-system/istio-reader-service-account is rendered twice, by default/base/base/reader-service-account and by default/istio-reader/gateway/service-account: rename one of them',
    ]);
  });

  test('in one chart of a plain cdk8s app are reported as well', () => {
    // GIVEN
    const app = new App({ outdir: 'unused' });
    const chart = new Chart(app, 'chart');
    new ApiObject(chart, 'first', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same', namespace: 'ns' } });
    new ApiObject(chart, 'second', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same', namespace: 'other' } });
    new ApiObject(chart, 'third', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same', namespace: 'ns' } });

    // WHEN
    const problems = duplicateObjects(chart);

    // THEN a different namespace is a different object
    expect(problems).toEqual(['ConfigMap.core ns/same is rendered twice, by chart/first and by chart/third: rename one of them']);
  });
});
