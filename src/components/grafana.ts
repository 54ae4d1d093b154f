import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { binderOf } from '../values/binder';
import { IstioValues } from '../values/model';
import { istioDashboardFiles } from './grafana-dashboards';
import { commonLabels } from './labels';
import { resourceRequirements, restrictedContainerSecurity, restrictedPodSecurity } from './security';
import { platformIdentity } from './platform';
import { KubeConfigMap, KubeDeployment, KubeService, KubeServiceAccount, intOrString } from './kube-objects';

/** Props of {@link Grafana}. */
export interface GrafanaProps {
  /** Resolved values. */
  readonly values: IstioValues;
}

/** UID of the `grafana` user of the Grafana image. */
const GRAFANA_UID = 472;
/** uid of the provisioned Prometheus data source; the dashboards query it by this uid. */
export const PROMETHEUS_DATASOURCE_UID = 'prometheus';
const DASHBOARD_FOLDER = '/var/lib/grafana/dashboards/istio';

/** Grafana's settings file: paths on writable volumes, no phoning home, anonymous access at most Viewer. */
export function grafanaIni(values: IstioValues): string {
  const anonymous = values.addons.grafana.anonymousViewer;
  return [
    '[analytics]',
    'check_for_updates = false',
    'reporting_enabled = false',
    '[auth.anonymous]',
    `enabled = ${anonymous}`,
    'org_role = Viewer',
    '[log]',
    'mode = console',
    '[paths]',
    'data = /var/lib/grafana/',
    'logs = /var/log/grafana',
    'plugins = /var/lib/grafana/plugins',
    'provisioning = /etc/grafana/provisioning',
    '[security]',
    'cookie_secure = false',
    'disable_gravatar = true',
    '',
  ].join('\n');
}

/**
 * Grafana with Prometheus (Service prometheus in istioNamespace) as its data source and istio-pack's
 * four Istio dashboards provisioned from ConfigMap `istio-grafana-dashboards`. Upstream names:
 * ConfigMap/Service/Deployment `grafana`, Service port 3000.
 *
 * There is never a default password: with `addons.grafana.adminSecret.name` the admin account comes
 * from that Secret; without it no admin account is created at all and the dashboards are read-only.
 */
export class Grafana extends Construct {
  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    const values = props.values;
    const b = binderOf(this);
    const settings = values.addons.grafana;
    const namespace = values.global.istioNamespace;
    const labels = { ...commonLabels(values), 'app': 'grafana', 'app.kubernetes.io/name': 'grafana' };
    const selector = { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'grafana' };

    new KubeServiceAccount(this, 'service-account', { metadata: { name: 'grafana', namespace, labels }, automountServiceAccountToken: false });
    new KubeConfigMap(this, 'config', {
      metadata: { name: 'grafana', namespace, labels },
      data: {
        'grafana.ini': grafanaIni(values),
        'datasources.yaml': b.yaml({
          apiVersion: 1,
          datasources: [{
            name: 'Prometheus',
            uid: PROMETHEUS_DATASOURCE_UID,
            type: 'prometheus',
            access: 'proxy',
            url: `http://prometheus.${namespace}:9090`,
            isDefault: true,
            editable: false,
            jsonData: { timeInterval: values.addons.prometheus.scrapeInterval },
          }],
        }),
        'dashboardproviders.yaml': b.yaml({
          apiVersion: 1,
          providers: [{ name: 'istio', orgId: 1, folder: 'istio', type: 'file', disableDeletion: false, options: { path: DASHBOARD_FOLDER } }],
        }),
      },
    });
    new KubeConfigMap(this, 'dashboards', {
      metadata: { name: 'istio-grafana-dashboards', namespace, labels },
      data: istioDashboardFiles(PROMETHEUS_DATASOURCE_UID),
    });
    new KubeService(this, 'service', {
      metadata: { name: 'grafana', namespace, labels },
      spec: { type: settings.serviceType, selector, ports: [{ name: 'service', port: 3000, protocol: 'TCP', targetPort: intOrString(3000) }] },
    });

    const secretRef = (key: string) => ({ valueFrom: { secretKeyRef: { name: settings.adminSecret.name, key } } });
    const hasAdmin = b.isSet(settings.adminSecret.name);
    const adminEnv = [
      b.optional(b.not(hasAdmin), { name: 'GF_SECURITY_DISABLE_INITIAL_ADMIN_CREATION', value: 'true' }),
      b.optional(hasAdmin, { name: 'GF_SECURITY_ADMIN_USER', ...secretRef(settings.adminSecret.userKey) }),
      b.optional(hasAdmin, { name: 'GF_SECURITY_ADMIN_PASSWORD', ...secretRef(settings.adminSecret.passwordKey) }),
    ];
    const provisioning = (name: string, file: string, folder: string) => ({ name, mountPath: `/etc/grafana/provisioning/${folder}/${file}`, subPath: file, readOnly: true });

    new KubeDeployment(this, 'deployment', {
      metadata: { name: 'grafana', namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels: { ...labels, ...selector, 'sidecar.istio.io/inject': 'false' } },
          spec: {
            serviceAccountName: 'grafana',
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurity(platformIdentity(b, values, GRAFANA_UID)),
            containers: [{
              name: 'grafana',
              image: settings.image,
              imagePullPolicy: values.global.imagePullPolicy,
              ports: [{ containerPort: 3000, name: 'grafana', protocol: 'TCP' }],
              env: b.flat<k8s.EnvVar>(
                ...adminEnv,
                // Grafana 12 otherwise downloads plugins from grafana.com at start.
                { name: 'GF_PLUGINS_PREINSTALL_DISABLED', value: 'true' },
                { name: 'GF_PATHS_DATA', value: '/var/lib/grafana/' },
                { name: 'GF_PATHS_LOGS', value: '/var/log/grafana' },
                { name: 'GF_PATHS_PLUGINS', value: '/var/lib/grafana/plugins' },
                { name: 'GF_PATHS_PROVISIONING', value: '/etc/grafana/provisioning' },
              ),
              livenessProbe: { httpGet: { path: '/api/health', port: intOrString(3000) }, initialDelaySeconds: 60, timeoutSeconds: 30, failureThreshold: 10 },
              readinessProbe: { httpGet: { path: '/api/health', port: intOrString(3000) } },
              resources: resourceRequirements(b, settings.resources),
              securityContext: restrictedContainerSecurity(),
              volumeMounts: [
                { name: 'config', mountPath: '/etc/grafana/grafana.ini', subPath: 'grafana.ini', readOnly: true },
                provisioning('config', 'datasources.yaml', 'datasources'),
                provisioning('config', 'dashboardproviders.yaml', 'dashboards'),
                { name: 'dashboards-istio', mountPath: DASHBOARD_FOLDER, readOnly: true },
                { name: 'storage', mountPath: '/var/lib/grafana' },
                { name: 'logs', mountPath: '/var/log/grafana' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            }],
            volumes: [
              { name: 'config', configMap: { name: 'grafana' } },
              { name: 'dashboards-istio', configMap: { name: 'istio-grafana-dashboards' } },
              { name: 'storage', emptyDir: {} },
              { name: 'logs', emptyDir: {} },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    });
  }
}
