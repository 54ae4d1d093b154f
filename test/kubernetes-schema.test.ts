/*
 * Validates every object every built-in profile renders against the Kubernetes OpenAPI schemas of
 * kubernetes-models (and Istio custom resources against @kubernetes-models/istio), and proves the
 * validator rejects broken objects.
 *
 * Needs NODE_OPTIONS=--experimental-vm-modules (npm test sets it): @kubernetes-models/istio is ESM-only.
 */
import * as yaml from 'js-yaml';
import { renderProfile } from '../src/outputs/render-profile';
import { BUILTIN_PROFILES } from '../src/profiles/builtin-profiles';
import { ValuesOverlay } from '../src/values/resolve';
import {
  KUBERNETES_MODELS,
  ModelTable,
  describeObject,
  gvkKey,
  loadIstioModels,
  validateKubernetesObject,
} from './support/kubernetes-schema';

let istioModels: ModelTable;

beforeAll(async () => {
  istioModels = await loadIstioModels();
});

interface RenderedObjects {
  /** Manifest files of the profile (kustomization.yaml excluded). */
  readonly files: string[];
  /** Every YAML document of those files, with the file it came from. */
  readonly objects: Array<{ file: string; object: Record<string, any> }>;
}

/** Renders a built-in profile with its own values and parses every document of its manifest files. */
function renderObjects(profileName: string, userValues?: ValuesOverlay): RenderedObjects {
  const profile = BUILTIN_PROFILES.find((candidate) => candidate.name === profileName);
  if (!profile) throw new Error(`no built-in profile ${profileName}`);
  const files: string[] = [];
  const objects: Array<{ file: string; object: Record<string, any> }> = [];
  const rendered = renderProfile(profile, { userValues: userValues ? [{ source: 'test values', values: userValues }] : [] });
  for (const [file, text] of rendered.files) {
    if (file === 'kustomization.yaml') continue;
    files.push(file);
    for (const document of yaml.loadAll(text)) {
      if (document === null || document === undefined) continue;
      objects.push({ file, object: document as Record<string, any> });
    }
  }
  return { files, objects };
}

// ---------------------------------------------------------------------------------------------
// Generated objects
// ---------------------------------------------------------------------------------------------

describe('generated manifests match the Kubernetes schemas', () => {
  test.each(BUILTIN_PROFILES.map((profile) => profile.name))('profile %s: every object is schema-valid', (profileName) => {
    // GIVEN the profile rendered with its own values
    const { files, objects } = renderObjects(profileName);

    // WHEN every document of every manifest file is validated
    const errors = objects.flatMap(({ file, object }) =>
      validateKubernetesObject(object, istioModels).map((error) => `${file}: ${describeObject(object)}: ${error}`));

    // THEN every manifest file holds objects and none has a schema error
    expect(files.filter((file) => !objects.some((entry) => entry.file === file))).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe('kinds only some values emit match the Kubernetes schemas', () => {
  test.each<[string, string, string, ValuesOverlay]>([
    ['PodDisruptionBudget', 'policy/v1', 'default',
      { istiod: { autoscale: { min: 2 } }, gateways: { ingress: [{ gatewayName: 'ingressgateway', minReplicas: 2 }] } }],
    ['EndpointSlice (IPv4)', 'discovery.k8s.io/v1', 'remote', { remote: { pilotAddress: '10.0.0.1' } }],
    ['EndpointSlice (IPv6)', 'discovery.k8s.io/v1', 'remote', { remote: { pilotAddress: 'fd00::1' } }],
  ])('%s: every object is schema-valid', (label, apiVersion, profileName, values) => {
    // GIVEN a profile rendered with values that make it emit the kind
    const { objects } = renderObjects(profileName, values);
    const kind = label.split(' ')[0];

    // WHEN every object is validated
    const errors = objects.flatMap(({ file, object }) =>
      validateKubernetesObject(object, istioModels).map((error) => `${file}: ${describeObject(object)}: ${error}`));

    // THEN the kind was emitted and no object has a schema error
    expect(objects.some(({ object }) => object.apiVersion === apiVersion && object.kind === kind)).toBe(true);
    expect(errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The validator itself
// ---------------------------------------------------------------------------------------------

function deployment(): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] }] },
      },
    },
  };
}

function service(): Record<string, any> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
}

function clusterRole(): Record<string, any> {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'reader' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
  };
}

function gateway(): Record<string, any> {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'ingress', namespace: 'istio-system' },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
    },
  };
}

describe('validateKubernetesObject', () => {
  test('the valid fixtures pass, so the failures below come from the broken fields alone', () => {
    // GIVEN well-formed objects of each fixture kind
    const fixtures = [deployment(), service(), clusterRole()];

    // WHEN they are validated
    const errors = fixtures.map((fixture) => validateKubernetesObject(fixture));

    // THEN none has an error
    expect(errors).toEqual([[], [], []]);
  });

  test('every kind the generator emits, or is about to, has a schema', () => {
    // GIVEN the kinds the generator emits today and the ones coming soon
    const expected = [
      ['v1', 'Namespace'],
      ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'],
      ['v1', 'ServiceAccount'],
      ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
      ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
      ['rbac.authorization.k8s.io/v1', 'Role'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
      ['v1', 'ConfigMap'],
      ['v1', 'Service'],
      ['apps/v1', 'Deployment'],
      ['autoscaling/v2', 'HorizontalPodAutoscaler'],
      ['policy/v1', 'PodDisruptionBudget'],
      ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'],
      ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'],
      ['discovery.k8s.io/v1', 'EndpointSlice'],
      ['apps/v1', 'DaemonSet'],
      ['v1', 'Secret'],
      ['v1', 'PersistentVolumeClaim'],
      ['networking.k8s.io/v1', 'NetworkPolicy'],
    ];

    // WHEN the lookup table is consulted
    const missing = expected.filter(([apiVersion, kind]) => !KUBERNETES_MODELS.has(gvkKey(apiVersion, kind)));

    // THEN none is missing
    expect(missing).toEqual([]);
  });

  test('a Deployment with spec.replicas "three" is rejected', () => {
    // GIVEN a Deployment whose replica count is a string
    const object = deployment();
    object.spec.replicas = 'three';

    // WHEN it is validated
    const errors = validateKubernetesObject(object);

    // THEN the schema reports the field
    expect(errors).not.toEqual([]);
    expect(errors).toContainEqual(expect.stringContaining('/spec/replicas'));
  });

  test('a Service port 70000 is rejected', () => {
    // GIVEN a Service exposing a port above 65535
    const object = service();
    object.spec.ports[0].port = 70000;

    // WHEN it is validated
    const errors = validateKubernetesObject(object);

    // THEN the port range rule reports it
    expect(errors).not.toEqual([]);
    expect(errors).toContainEqual(expect.stringContaining('/spec/ports/0/port must be between 1 and 65535'));
  });

  test('a ClusterRole rule without verbs is rejected', () => {
    // GIVEN a ClusterRole whose only rule lacks verbs
    const object = clusterRole();
    delete object.rules[0].verbs;

    // WHEN it is validated
    const errors = validateKubernetesObject(object);

    // THEN the schema reports the missing required property
    expect(errors).not.toEqual([]);
    expect(errors).toContainEqual(expect.stringMatching(/^\/rules\/0 .*verbs/));
  });

  test('an unknown apiVersion/kind is an error, not silently accepted', () => {
    // GIVEN an object of kind Foo in apiVersion v9, and a known kind at an unknown apiVersion
    const unknownKind = { apiVersion: 'v9', kind: 'Foo', metadata: { name: 'foo' } };
    const unknownVersion = { ...deployment(), apiVersion: 'apps/v1beta1' };

    // WHEN they are validated
    const errors = [validateKubernetesObject(unknownKind), validateKubernetesObject(unknownVersion)];

    // THEN both are reported as having no schema
    expect(errors[0]).not.toEqual([]);
    expect(errors[0]).toContainEqual(expect.stringContaining('v9, Kind=Foo'));
    expect(errors[1]).toContainEqual(expect.stringContaining('known apiVersions of Deployment: apps/v1'));
  });
});

describe('Istio custom resources (ESM @kubernetes-models/istio)', () => {
  test('the ESM package loaded its model classes', () => {
    // GIVEN the table loaded in beforeAll through a dynamic import
    // WHEN it is inspected
    // THEN it holds the networking, security and telemetry kinds
    expect(istioModels.has(gvkKey('networking.istio.io/v1', 'Gateway'))).toBe(true);
    expect(istioModels.has(gvkKey('security.istio.io/v1', 'PeerAuthentication'))).toBe(true);
    expect(istioModels.has(gvkKey('telemetry.istio.io/v1', 'Telemetry'))).toBe(true);
  });

  test('a valid networking.istio.io/v1 Gateway validates', () => {
    // GIVEN a well-formed Gateway
    const object = gateway();

    // WHEN it is validated with the Istio models
    const errors = validateKubernetesObject(object, istioModels);

    // THEN it has no error
    expect(errors).toEqual([]);
  });

  test('a Gateway with spec.servers "bad" is rejected', () => {
    // GIVEN a Gateway whose servers is a string instead of a list
    const object = gateway();
    object.spec.servers = 'bad';

    // WHEN it is validated with the Istio models
    const errors = validateKubernetesObject(object, istioModels);

    // THEN the Istio schema reports the field
    expect(errors).not.toEqual([]);
    expect(errors).toContainEqual(expect.stringContaining('/spec/servers'));
  });

  test('an Istio kind is an error without the Istio models or without a model for it', () => {
    // GIVEN a valid Gateway validated without the table, and an Istio kind that has no model
    const withoutTable = validateKubernetesObject(gateway());
    const unknownIstioKind = validateKubernetesObject(
      { apiVersion: 'networking.istio.io/v1', kind: 'NoSuchKind', metadata: { name: 'x' } }, istioModels);

    // WHEN / THEN both are reported rather than accepted
    expect(withoutTable).toContainEqual(expect.stringContaining('loadIstioModels()'));
    expect(unknownIstioKind).toContainEqual(expect.stringContaining('networking.istio.io/v1, Kind=NoSuchKind'));
  });
});
