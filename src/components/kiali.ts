import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { Binder, binderOf } from '../values/binder';
import { IstioValues } from '../values/model';
import { ISTIO_DASHBOARDS } from './grafana-dashboards';
import { commonLabels } from './labels';
import { clusterRoleWithBinding, policyRules } from './rbac';
import { resourceRequirements, restrictedContainerSecurity, restrictedPodSecurity } from './security';
import { platformIdentity } from './platform';
import { KubeClusterRoleBinding, KubeConfigMap, KubeDeployment, KubeSecret, KubeService, KubeServiceAccount, intOrString, quantity } from './kube-objects';

/** Props of {@link Kiali}. */
export interface KialiProps {
  /** Resolved values. */
  readonly values: IstioValues;
}

const KIALI_UID = 1000;
const NGINX_UID = 101;
/** Port of the Service and of whatever answers first in the pod (Kiali, or the auth proxy). */
export const KIALI_PORT = 20001;
/** Kiali's own port when the basic-auth proxy sits in front of it. */
const KIALI_BEHIND_PROXY_PORT = 20002;
/** Kiali reads a file here as its session signing key (overrides login_token.signing_key). */
const SIGNING_KEY_DIR = '/kiali-override-secrets/login-token-signing-key';

const READ = ['get', 'list', 'watch'];
const ISTIO_API_GROUPS = ['networking.istio.io', 'security.istio.io', 'extensions.istio.io', 'telemetry.istio.io', 'gateway.networking.k8s.io', 'inference.networking.k8s.io'];

/** What Kiali itself may do (the kiali-server chart's viewer role): read the mesh, review tokens. */
export const KIALI_VIEWER_RULES = [
  { apiGroups: [''], resources: ['configmaps', 'endpoints', 'pods/log'], verbs: READ },
  { apiGroups: [''], resources: ['namespaces', 'pods', 'replicationcontrollers', 'services'], verbs: READ },
  { apiGroups: [''], resources: ['pods/portforward'], verbs: ['create', 'post'] },
  { apiGroups: ['extensions', 'apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], verbs: READ },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: READ },
  { apiGroups: ISTIO_API_GROUPS, resources: ['*'], verbs: READ },
  { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
  { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: READ },
];

/** What basic-auth users with role admin may do on top: edit workloads' metadata and Istio config. */
export const KIALI_ADMIN_EXTRA_RULES = [
  { apiGroups: ['', 'apps'], resources: ['namespaces', 'pods', 'services', 'deployments', 'replicasets', 'statefulsets', 'daemonsets'], verbs: ['patch'] },
  { apiGroups: ISTIO_API_GROUPS, resources: ['*'], verbs: ['create', 'delete', 'patch'] },
];

/** Kiali's config.yaml: login strategy and the in-cluster URLs of this output's Prometheus, Grafana and Jaeger. */
export function kialiConfig(b: Binder, values: IstioValues): Record<string, unknown> {
  const namespace = values.global.istioNamespace;
  const addons = values.addons;
  const basic = b.eq(addons.kiali.auth.strategy, 'basic');
  return {
    // Behind the proxy Kiali trusts the bearer token the proxy injects (and validates it with a TokenReview).
    auth: { strategy: b.choose(basic, 'header', 'token') },
    deployment: { cluster_wide_access: true, instance_name: 'kiali', namespace, view_only_mode: false },
    external_services: {
      prometheus: { url: `http://prometheus.${namespace}:9090` },
      grafana: {
        enabled: addons.grafana.enabled,
        internal_url: `http://grafana.${namespace}:3000`,
        dashboards: ISTIO_DASHBOARDS.filter((dashboard) => dashboard.title !== 'Istio Mesh Overview').map((dashboard) => ({
          name: dashboard.title,
          variables: { namespace: 'var-namespace', service: 'var-service', workload: 'var-workload' },
        })),
      },
      tracing: {
        enabled: addons.jaeger.enabled,
        provider: 'jaeger',
        internal_url: `http://tracing.${namespace}:16685/jaeger`,
        use_grpc: true,
      },
    },
    server: {
      port: b.choose(basic, KIALI_BEHIND_PROXY_PORT, KIALI_PORT),
      web_root: '/kiali',
      observability: { metrics: { enabled: true, port: 9090 } },
    },
  };
}

/** nginx server of the basic-auth proxy; ${KIALI_BEARER_TOKEN} is filled from a Secret at start. */
function proxyConfigTemplate(): string {
  return [
    'server {',
    `  listen ${KIALI_PORT};`,
    '  location / {',
    '    auth_basic "Kiali";',
    '    auth_basic_user_file /etc/nginx/auth/htpasswd;',
    '    # Every authenticated user acts with the kiali-basic-auth ServiceAccount; clients cannot impersonate.',
    '    proxy_set_header Authorization "Bearer ${KIALI_BEARER_TOKEN}";',
    '    proxy_set_header Impersonate-User "";',
    '    proxy_set_header Impersonate-Group "";',
    '    proxy_set_header Host $host;',
    `    proxy_pass http://127.0.0.1:${KIALI_BEHIND_PROXY_PORT};`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/**
 * Kiali with upstream's names (ServiceAccount, ConfigMap, Service and Deployment `kiali`, port 20001,
 * UI at /kiali). Never anonymous:
 * - `token` (default): users log in with a Kubernetes token; Kiali runs with read-only RBAC.
 * - `basic`: an nginx container in the pod checks user name and password against htpasswd lines from
 *   a Secret and forwards to Kiali (header strategy) with the token of ServiceAccount
 *   `kiali-basic-auth`, bound read-only or, with role admin, to the edit role.
 * The session signing key comes from a Secret, or is generated in memory when the pod starts.
 */
export class Kiali extends Construct {
  constructor(scope: Construct, id: string, props: KialiProps) {
    super(scope, id);
    const values = props.values;
    const b = binderOf(this);
    const settings = values.addons.kiali;
    const basic = b.eq(settings.auth.strategy, 'basic');
    const namespace = values.global.istioNamespace;
    const labels = { ...commonLabels(values), 'app': 'kiali', 'app.kubernetes.io/name': 'kiali' };
    const selector = { 'app.kubernetes.io/name': 'kiali', 'app.kubernetes.io/instance': 'kiali' };

    new KubeServiceAccount(this, 'service-account', { metadata: { name: 'kiali', namespace, labels } });
    clusterRoleWithBinding(this, 'viewer', { name: 'kiali-viewer', bindingName: 'kiali', rules: policyRules(KIALI_VIEWER_RULES), serviceAccount: { name: 'kiali', namespace }, labels });
    new KubeConfigMap(this, 'config', {
      metadata: { name: 'kiali', namespace, labels },
      data: { 'config.yaml': b.yaml(kialiConfig(b, values)) },
    });
    new KubeService(this, 'service', {
      metadata: { name: 'kiali', namespace, labels },
      spec: {
        type: settings.serviceType,
        selector,
        ports: [
          { name: 'http', port: KIALI_PORT, protocol: 'TCP', targetPort: intOrString(KIALI_PORT) },
          { name: 'http-metrics', port: 9090, protocol: 'TCP', targetPort: intOrString(9090) },
        ],
      },
    });
    b.whenBuild(this, basic, () => this.addBasicAuthObjects(b, values, namespace, labels));
    this.addDeployment(b, values, namespace, labels, selector);
  }

  private addBasicAuthObjects(b: Binder, values: IstioValues, namespace: string, labels: Record<string, string>): void {
    const basic = values.addons.kiali.auth.basic;
    new KubeServiceAccount(this, 'basic-auth-account', { metadata: { name: 'kiali-basic-auth', namespace, labels } });
    // Kubernetes fills in the token of this Secret; nothing secret is in the manifests.
    new KubeSecret(this, 'basic-auth-token', {
      type: 'kubernetes.io/service-account-token',
      metadata: { name: 'kiali-basic-auth-token', namespace, labels, annotations: { 'kubernetes.io/service-account.name': 'kiali-basic-auth' } },
    });
    const serviceAccount = { name: 'kiali-basic-auth', namespace };
    const admin = b.eq(basic.role, 'admin');
    b.whenBuild(this, admin, () => clusterRoleWithBinding(this, 'basic-auth', {
      name: 'kiali-basic-auth-admin', bindingName: 'kiali-basic-auth', rules: policyRules([...KIALI_VIEWER_RULES, ...KIALI_ADMIN_EXTRA_RULES]), serviceAccount, labels,
    }));
    // Viewers reuse the kiali-viewer ClusterRole created above.
    b.whenBuild(this, b.not(admin), () => {
      new KubeClusterRoleBinding(this, 'basic-auth-viewer-binding', {
        metadata: { name: 'kiali-basic-auth', labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kiali-viewer' },
        subjects: [{ kind: 'ServiceAccount', ...serviceAccount }],
      });
    });
    b.whenBuild(this, b.isSet(basic.htpasswd), () => {
      new KubeSecret(this, 'htpasswd', {
        type: 'Opaque',
        metadata: { name: 'kiali-htpasswd', namespace, labels },
        // Hashed lines only (the model refuses plain-text passwords).
        stringData: { auth: `${b.join(basic.htpasswd, '\n')}\n` },
      });
    });
    new KubeConfigMap(this, 'proxy-config', {
      metadata: { name: 'kiali-auth-proxy', namespace, labels },
      data: { 'default.conf.template': proxyConfigTemplate() },
    });
  }

  private addDeployment(b: Binder, values: IstioValues, namespace: string, labels: Record<string, string>, selector: Record<string, string>): void {
    const settings = values.addons.kiali;
    const basic = b.eq(settings.auth.strategy, 'basic');
    const kialiPort = b.choose(basic, KIALI_BEHIND_PROXY_PORT, KIALI_PORT);
    const probe: k8s.Probe = { httpGet: { path: '/kiali/healthz', port: intOrString(kialiPort), scheme: 'HTTP' }, initialDelaySeconds: 5, periodSeconds: 30 };
    const generatedKey = b.not(b.isSet(settings.signingKeySecret.name));

    const kialiContainer: k8s.Container = {
      name: 'kiali',
      image: settings.image,
      imagePullPolicy: values.global.imagePullPolicy,
      command: ['/opt/kiali/kiali', '-config', '/kiali-configuration/config.yaml'],
      ports: [{ containerPort: kialiPort, name: 'api-port', protocol: 'TCP' }, { containerPort: 9090, name: 'http-metrics', protocol: 'TCP' }],
      readinessProbe: probe,
      livenessProbe: probe,
      startupProbe: { ...probe, initialDelaySeconds: 30, periodSeconds: 10, failureThreshold: 6 },
      env: [
        { name: 'ACTIVE_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'LOG_FORMAT', value: 'text' },
      ],
      resources: resourceRequirements(b, settings.resources),
      securityContext: restrictedContainerSecurity(),
      volumeMounts: [
        { name: 'kiali-configuration', mountPath: '/kiali-configuration', readOnly: true },
        { name: 'signing-key', mountPath: SIGNING_KEY_DIR, readOnly: true },
      ],
    };
    const proxyContainer: k8s.Container = {
      name: 'kiali-auth-proxy',
      image: settings.auth.basic.proxyImage,
      imagePullPolicy: values.global.imagePullPolicy,
      ports: [{ containerPort: KIALI_PORT, name: 'http', protocol: 'TCP' }],
      env: [
        { name: 'KIALI_BEARER_TOKEN', valueFrom: { secretKeyRef: { name: 'kiali-basic-auth-token', key: 'token' } } },
        // The image renders /etc/nginx/templates/*.template with these variables only, into conf.d.
        { name: 'NGINX_ENVSUBST_FILTER', value: 'KIALI_BEARER_TOKEN' },
      ],
      readinessProbe: { tcpSocket: { port: intOrString(KIALI_PORT) }, periodSeconds: 10 },
      resources: { requests: { cpu: quantity('10m'), memory: quantity('32Mi') } },
      // nginx-unprivileged's own user, which owns its files in the image.
      securityContext: { ...restrictedContainerSecurity(), ...platformIdentity(b, values, NGINX_UID, ['runAsUser', 'runAsGroup']) },
      volumeMounts: [
        { name: 'proxy-template', mountPath: '/etc/nginx/templates', readOnly: true },
        { name: 'proxy-conf', mountPath: '/etc/nginx/conf.d' },
        { name: 'htpasswd', mountPath: '/etc/nginx/auth', readOnly: true },
        { name: 'tmp', mountPath: '/tmp' },
      ],
    };
    const htpasswdSecret = settings.auth.basic.htpasswdSecret;
    const proxyVolumes = [
      { name: 'proxy-template', configMap: { name: 'kiali-auth-proxy' } },
      { name: 'proxy-conf', emptyDir: {} },
      {
        name: 'htpasswd',
        secret: b.choose(b.isSet(htpasswdSecret.name),
          { secretName: htpasswdSecret.name, items: [{ key: htpasswdSecret.key, path: 'htpasswd' }] },
          { secretName: 'kiali-htpasswd', items: [{ key: 'auth', path: 'htpasswd' }] }),
      },
      { name: 'tmp', emptyDir: {} },
    ];
    // Without a Secret, a random 32-character key is made in memory for this pod's lifetime.
    const keyGenerator: k8s.Container = {
      name: 'signing-key',
      image: settings.image,
      imagePullPolicy: values.global.imagePullPolicy,
      command: ['/bin/sh', '-c', `head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32 > ${SIGNING_KEY_DIR}/value.txt`],
      resources: { requests: { cpu: quantity('10m'), memory: quantity('16Mi') } },
      securityContext: restrictedContainerSecurity(),
      volumeMounts: [{ name: 'signing-key', mountPath: SIGNING_KEY_DIR }],
    };

    new KubeDeployment(this, 'deployment', {
      metadata: { name: 'kiali', namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: intOrString(1), maxUnavailable: intOrString(1) } },
        template: {
          metadata: {
            labels: { ...labels, ...selector, 'sidecar.istio.io/inject': 'false' },
            annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090', 'kiali.io/dashboards': 'go,kiali' },
          },
          spec: {
            serviceAccountName: 'kiali',
            securityContext: restrictedPodSecurity(platformIdentity(b, values, KIALI_UID)),
            initContainers: b.optional(generatedKey, [keyGenerator]),
            containers: b.flat<k8s.Container>(kialiContainer, b.optional(basic, proxyContainer)),
            volumes: b.flat<k8s.Volume>(
              { name: 'kiali-configuration', configMap: { name: 'kiali' } },
              b.choose<k8s.Volume>(generatedKey,
                { name: 'signing-key', emptyDir: { medium: 'Memory' } },
                { name: 'signing-key', secret: { secretName: settings.signingKeySecret.name, items: [{ key: settings.signingKeySecret.key, path: 'value.txt' }] } }),
              ...proxyVolumes.map((volume) => b.optional(basic, volume)),
            ),
          },
        },
      },
    });
  }
}
