import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { Grafana } from '../src/components/grafana';
import { Kiali } from '../src/components/kiali';
import { renderProfile } from '../src/outputs/render-profile';
import { DemoProfile } from '../src/profiles/builtin-profiles';
import { ValuesError } from '../src/values/resolve';
import { only, synthComponent, valuesWith } from './support/values';

const BCRYPT_LINE = 'admin:$2y$05$Lwbb6mzq.Xtsx/9YZyPhe.fJOEZ4ZfN0q0AbV7DmXbuBqgsFyXDHm';
const objectsOf = (files: ReadonlyMap<string, string>) =>
  [...files.entries()].filter(([name]) => name !== 'kustomization.yaml').flatMap(([, content]) => (yaml.loadAll(content) as any[]).filter((doc) => doc));
const envOf = (container: any) => Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('Grafana', () => {
  const grafana = (overlay: Record<string, unknown> = {}) =>
    synthComponent((scope) => new Grafana(scope, 'grafana', { values: valuesWith({ addons: { grafana: { enabled: true, ...overlay } } }) }));

  test('without an admin Secret no admin account exists and anonymous visitors are only Viewers', () => {
    // WHEN
    const objects = grafana();

    // THEN
    const env = envOf(only(objects, 'Deployment').spec.template.spec.containers[0]);
    expect(env.GF_SECURITY_DISABLE_INITIAL_ADMIN_CREATION).toBe('true');
    expect(env.GF_SECURITY_ADMIN_PASSWORD).toBeUndefined();
    const ini = only(objects, 'ConfigMap', 'grafana').data['grafana.ini'];
    expect(ini).toContain('[auth.anonymous]\nenabled = true\norg_role = Viewer');
    expect(JSON.stringify(objects)).not.toMatch(/admin-password"?\s*:\s*"?admin|GF_AUTH_ANONYMOUS_ORG_ROLE.*Admin/);
  });

  test('admin credentials come from the named Secret only', () => {
    // WHEN
    const env = envOf(only(grafana({ adminSecret: { name: 'grafana-admin' }, anonymousViewer: false }), 'Deployment').spec.template.spec.containers[0]);

    // THEN
    expect(env.GF_SECURITY_ADMIN_USER).toEqual({ secretKeyRef: { name: 'grafana-admin', key: 'admin-user' } });
    expect(env.GF_SECURITY_ADMIN_PASSWORD).toEqual({ secretKeyRef: { name: 'grafana-admin', key: 'admin-password' } });
    expect(env.GF_SECURITY_DISABLE_INITIAL_ADMIN_CREATION).toBeUndefined();
  });

  test('Prometheus is the provisioned data source and the Istio dashboards are mounted where the provider looks', () => {
    // WHEN
    const objects = grafana();

    // THEN
    const datasources = yaml.load(only(objects, 'ConfigMap', 'grafana').data['datasources.yaml']) as any;
    expect(datasources.datasources[0]).toMatchObject({ type: 'prometheus', uid: 'prometheus', url: 'http://prometheus.istio-system:9090' });
    const providers = yaml.load(only(objects, 'ConfigMap', 'grafana').data['dashboardproviders.yaml']) as any;
    const mounts = only(objects, 'Deployment').spec.template.spec.containers[0].volumeMounts;
    expect(mounts).toContainEqual({ name: 'dashboards-istio', mountPath: providers.providers[0].options.path, readOnly: true });
    expect(Object.keys(only(objects, 'ConfigMap', 'istio-grafana-dashboards').data).sort()).toEqual(['istio-control-plane.json', 'istio-mesh.json', 'istio-service.json', 'istio-workload.json']);
    expect(only(objects, 'Service').spec).toMatchObject({ type: 'ClusterIP', ports: [{ port: 3000, targetPort: 3000 }] });
  });
});

describe('Kiali', () => {
  const kiali = (overlay: Record<string, unknown> = {}) =>
    synthComponent((scope) => new Kiali(scope, 'kiali', { values: valuesWith({ addons: { kiali: { enabled: true, ...overlay } } }) }));

  test('token login by default, read-only RBAC, generated signing key, no placeholder key', () => {
    // WHEN
    const objects = kiali();

    // THEN
    const config = yaml.load(only(objects, 'ConfigMap', 'kiali').data['config.yaml']) as any;
    expect(config.auth).toEqual({ strategy: 'token' });
    expect(config.login_token).toBeUndefined();
    expect(JSON.stringify(objects)).not.toContain('CHANGEME');
    const pod = only(objects, 'Deployment').spec.template.spec;
    expect(pod.initContainers[0].name).toBe('signing-key');
    expect(pod.volumes).toContainEqual({ name: 'signing-key', emptyDir: { medium: 'Memory' } });
    expect(only(objects, 'ClusterRoleBinding').roleRef.name).toBe('kiali-viewer');
    const verbs = only(objects, 'ClusterRole').rules.flatMap((rule: any) => rule.verbs);
    expect(verbs.filter((verb: string) => ['update', 'patch', 'delete'].includes(verb))).toEqual([]);
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
  });

  test('a signing key Secret replaces the generated key', () => {
    // WHEN
    const pod = only(kiali({ signingKeySecret: { name: 'kiali-signing-key' } }), 'Deployment').spec.template.spec;

    // THEN
    expect(pod.initContainers).toBeUndefined();
    expect(pod.volumes).toContainEqual({ name: 'signing-key', secret: { secretName: 'kiali-signing-key', items: [{ key: 'key', path: 'value.txt' }] } });
  });

  test('basic auth puts an nginx proxy with htpasswd from a Secret in front of Kiali (header strategy)', () => {
    // WHEN
    const objects = kiali({ auth: { strategy: 'basic', basic: { htpasswdSecret: { name: 'kiali-users' } } } });

    // THEN
    const config = yaml.load(only(objects, 'ConfigMap', 'kiali').data['config.yaml']) as any;
    expect(config.auth).toEqual({ strategy: 'header' });
    expect(config.server.port).toBe(20002);
    const pod = only(objects, 'Deployment').spec.template.spec;
    expect(pod.containers.map((c: any) => c.name)).toEqual(['kiali', 'kiali-auth-proxy']);
    expect(pod.containers[1].ports).toEqual([{ containerPort: 20001, name: 'http', protocol: 'TCP' }]);
    expect(pod.volumes).toContainEqual({ name: 'htpasswd', secret: { secretName: 'kiali-users', items: [{ key: 'auth', path: 'htpasswd' }] } });
    expect(envOf(pod.containers[1]).KIALI_BEARER_TOKEN).toEqual({ secretKeyRef: { name: 'kiali-basic-auth-token', key: 'token' } });
    const template = only(objects, 'ConfigMap', 'kiali-auth-proxy').data['default.conf.template'];
    expect(template).toContain('auth_basic_user_file /etc/nginx/auth/htpasswd;');
    expect(template).toContain('proxy_pass http://127.0.0.1:20002;');
    expect(only(objects, 'Secret', 'kiali-basic-auth-token').type).toBe('kubernetes.io/service-account-token');
    expect(only(objects, 'Service').spec.ports[0]).toMatchObject({ port: 20001, targetPort: 20001 });
  });

  test('basic-auth users are read-only by default: bound to kiali-viewer, no admin role rendered', () => {
    // GIVEN basic auth without a role
    const values = valuesWith({ addons: { kiali: { enabled: true, auth: { strategy: 'basic', basic: { htpasswdSecret: { name: 'kiali-users' } } } } } });

    // WHEN
    const objects = synthComponent((scope) => new Kiali(scope, 'kiali', { values }));

    // THEN the role defaults to viewer, and the basic-auth account is bound to the read-only ClusterRole only
    expect(values.addons.kiali.auth.basic.role).toBe('viewer');
    expect(only(objects, 'ClusterRoleBinding', 'kiali-basic-auth')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kiali-viewer' },
      subjects: [{ kind: 'ServiceAccount', name: 'kiali-basic-auth', namespace: 'istio-system' }],
    });
    expect(objects.filter((o) => o.kind === 'ClusterRole').map((o) => o.metadata.name)).toEqual(['kiali-viewer']);
    const verbs = only(objects, 'ClusterRole', 'kiali-viewer').rules.flatMap((rule: any) => rule.verbs);
    expect(verbs.filter((verb: string) => !['get', 'list', 'watch', 'create', 'post'].includes(verb))).toEqual([]);
    expect(only(objects, 'ClusterRole', 'kiali-viewer').rules.filter((rule: any) => rule.verbs.includes('create')).flatMap((rule: any) => rule.resources).sort())
      .toEqual(['pods/portforward', 'tokenreviews']);
  });

  test('the chart defaults the basic-auth role to viewer too', () => {
    // GIVEN the generated chart's schema and values
    const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'charts', 'istio', 'values.schema.json'), 'utf8'));
    const chartValues = yaml.load(fs.readFileSync(path.join(__dirname, '..', 'charts', 'istio', 'values.yaml'), 'utf8')) as any;

    // THEN
    expect(schema.properties.addons.properties.kiali.properties.auth.properties.basic.properties.role.default).toBe('viewer');
    expect(chartValues.addons.kiali.auth.basic.role).toBe('viewer');
  });

  test('role admin binds basic-auth users to kiali-basic-auth-admin, which may edit Istio config', () => {
    // WHEN
    const objects = kiali({ auth: { strategy: 'basic', basic: { htpasswdSecret: { name: 'kiali-users' }, role: 'admin' } } });

    // THEN
    expect(only(objects, 'ClusterRoleBinding', 'kiali-basic-auth').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kiali-basic-auth-admin' });
    const adminVerbs = only(objects, 'ClusterRole', 'kiali-basic-auth-admin').rules.flatMap((rule: any) => rule.verbs);
    expect(adminVerbs).toEqual(expect.arrayContaining(['create', 'delete', 'patch']));
    // Kiali's own account stays read-only
    expect(only(objects, 'ClusterRoleBinding', 'kiali').roleRef.name).toBe('kiali-viewer');
  });

  test('hashed users from values are rendered into a Secret, never a ConfigMap', () => {
    // WHEN
    const objects = kiali({ auth: { strategy: 'basic', basic: { htpasswd: [BCRYPT_LINE], role: 'admin' } } });

    // THEN
    expect(only(objects, 'Secret', 'kiali-htpasswd').stringData).toEqual({ auth: `${BCRYPT_LINE}\n` });
    for (const configMap of objects.filter((o) => o.kind === 'ConfigMap')) expect(JSON.stringify(configMap)).not.toContain('$2y$');
    expect(only(objects, 'ClusterRoleBinding', 'kiali-basic-auth').roleRef.name).toBe('kiali-basic-auth-admin');
  });

  test('plain-text passwords and basic auth without users are refused', () => {
    expect(() => valuesWith({ addons: { kiali: { auth: { strategy: 'basic', basic: { htpasswd: ['admin:admin'] } } } } })).toThrow(
      'addons.kiali.auth.basic.htpasswd[0]: must be user:hash with a bcrypt ($2y$), $apr1$ or {SHA} hash (plain-text passwords are refused), got (a value not shown: it may be a secret)',
    );
    expect(() => valuesWith({ addons: { kiali: { auth: { strategy: 'basic' } } } })).toThrow(ValuesError);
    expect(() => valuesWith({ addons: { kiali: { auth: { strategy: 'basic' } } } })).toThrow('addons.kiali.auth.basic.htpasswdSecret.name: must name a Secret');
  });
});

describe('Kiali is wired to the addons this output creates', () => {
  test('every configured URL resolves to a Service port in the demo output', () => {
    // GIVEN
    const objects = objectsOf(renderProfile(new DemoProfile()).files);
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'kiali');
    const external = (yaml.load(configMap.data['config.yaml']) as any).external_services;

    // WHEN
    const urls = [external.prometheus.url, external.grafana.internal_url, external.tracing.internal_url];

    // THEN
    expect(external.grafana.enabled).toBe(true);
    expect(external.tracing.enabled).toBe(true);
    for (const url of urls) {
      const { hostname, port } = new URL(url);
      const [name, namespace] = hostname.split('.');
      const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === name && o.metadata.namespace === namespace);
      expect({ url, service: service?.metadata.name }).toEqual({ url, service: name });
      expect(service.spec.ports.map((p: any) => p.port)).toContain(Number(port));
    }
  });

  test('the Grafana dashboards Kiali links to exist', () => {
    // GIVEN
    const objects = objectsOf(renderProfile(new DemoProfile()).files);
    const kialiConfig = yaml.load(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'kiali').data['config.yaml']) as any;
    const dashboards = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'istio-grafana-dashboards').data;

    // WHEN
    const titles = Object.values<string>(dashboards).map((json) => JSON.parse(json).title);

    // THEN
    for (const dashboard of kialiConfig.external_services.grafana.dashboards) expect(titles).toContain(dashboard.name);
  });
});
