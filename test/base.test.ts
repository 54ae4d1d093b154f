import { IstioBase, checkIstioCrds, structuralCrd } from '../src/components/base';
import { ISTIO_CRDS } from '../src/components/crd-catalog';
import { ISTIO_READER_REMOTE_EXTRA_RULES, ISTIO_READER_RULES } from '../src/components/rbac-rules';
import { only, synthComponent, valuesWith } from './support/values';

describe('IstioBase', () => {
  test('emits the 15 Istio CRDs with names, versions, short names and keep policy', () => {
    // GIVEN
    const values = valuesWith();

    // WHEN
    const objects = synthComponent((scope) => new IstioBase(scope, 'base', { values }));

    // THEN
    const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
    expect(crds.map((crd) => crd.metadata.name)).toEqual([
      'authorizationpolicies.security.istio.io',
      'destinationrules.networking.istio.io',
      'envoyfilters.networking.istio.io',
      'gateways.networking.istio.io',
      'peerauthentications.security.istio.io',
      'proxyconfigs.networking.istio.io',
      'requestauthentications.security.istio.io',
      'serviceentries.networking.istio.io',
      'sidecars.networking.istio.io',
      'telemetries.telemetry.istio.io',
      'trafficextensions.extensions.istio.io',
      'virtualservices.networking.istio.io',
      'wasmplugins.extensions.istio.io',
      'workloadentries.networking.istio.io',
      'workloadgroups.networking.istio.io',
    ]);
    for (const crd of crds) expect(crd.metadata.annotations['helm.sh/resource-policy']).toBe('keep');
    const vs = only(objects, 'CustomResourceDefinition', 'virtualservices.networking.istio.io');
    expect(vs.spec.names).toMatchObject({ kind: 'VirtualService', shortNames: ['vs'], categories: ['istio-io', 'networking-istio-io'] });
    expect(vs.spec.versions.map((v: any) => [v.name, v.served, v.storage])).toEqual([['v1', true, true], ['v1alpha3', true, false], ['v1beta1', true, false]]);
    expect(vs.spec.versions[0].subresources).toEqual({ status: {} });
    expect(vs.spec.versions[0].additionalPrinterColumns.map((c: any) => c.name)).toEqual(['Gateways', 'Hosts', 'Age']);
    const telemetry = only(objects, 'CustomResourceDefinition', 'telemetries.telemetry.istio.io');
    expect(telemetry.spec.versions.filter((v: any) => v.storage).map((v: any) => v.name)).toEqual(['v1alpha1']);
  });

  test('spec schemas come from the Istio API schemas; status is kept as written; a kind the source lacks stays free-form', () => {
    // GIVEN
    const byKind = (kind: string) => ISTIO_CRDS.find((crd) => crd.kind === kind)!;

    // WHEN
    const policy: any = structuralCrd(byKind('AuthorizationPolicy'), {});
    const extension: any = structuralCrd(byKind('TrafficExtension'), {});

    // THEN (upstream 1.30.3: AuthorizationPolicy's action is one of ALLOW, DENY, AUDIT, CUSTOM)
    const schema = policy.spec.versions[0].schema.openAPIV3Schema;
    expect(schema.type).toBe('object');
    expect(schema.properties.spec.properties.action).toEqual({ type: 'string', enum: ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'] });
    expect(schema.properties.status).toEqual({ 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true });
    expect(extension.spec.versions[0].schema.openAPIV3Schema.properties.spec).toEqual({ 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true });
  });

  test('renders the reader service account and the default validator', () => {
    // GIVEN
    const values = valuesWith({ global: { istioNamespace: 'mesh-system' } });

    // WHEN
    const objects = synthComponent((scope) => new IstioBase(scope, 'base', { values }));

    // THEN
    expect(only(objects, 'ServiceAccount').metadata).toMatchObject({ name: 'istio-reader-service-account', namespace: 'mesh-system' });
    const validator = only(objects, 'ValidatingWebhookConfiguration', 'istiod-default-validator');
    expect(validator.webhooks).toEqual([{
      name: 'validation.istio.io',
      admissionReviewVersions: ['v1'],
      clientConfig: { service: { name: 'istiod', namespace: 'mesh-system', path: '/validate' } },
      failurePolicy: 'Fail',
      rules: [{ apiGroups: ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['*'] }],
      sideEffects: 'None',
      // Upstream fact (1.30.3 manifests/charts/default/templates/validatingwebhook.yaml, which istioctl
      // renders for the default tag): config labelled istio.io/rev is left to that revision's validator.
      objectSelector: { matchExpressions: [{ key: 'istio.io/rev', operator: 'DoesNotExist' }] },
    }]);
  });

  test('the reader service account is bound to the reader ClusterRole; remotes get the extra rules', () => {
    // WHEN
    const local = synthComponent((scope) => new IstioBase(scope, 'base', { values: valuesWith() }));
    const remote = synthComponent((scope) => new IstioBase(scope, 'base', { values: valuesWith({ remote: { enabled: true } }) }));

    // THEN
    const binding = only(local, 'ClusterRoleBinding', 'istio-reader-clusterrole-istio-system');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'istio-reader-clusterrole-istio-system' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'istio-reader-service-account', namespace: 'istio-system' }]);
    expect(only(local, 'ClusterRole').rules).toEqual(ISTIO_READER_RULES);
    expect(only(remote, 'ClusterRole').rules).toEqual([...ISTIO_READER_RULES, ...ISTIO_READER_REMOTE_EXTRA_RULES]);
  });

  test('the default validator follows the revision and the chosen failure policy', () => {
    // GIVEN
    const values = valuesWith({ global: { revision: 'canary' }, base: { validationFailurePolicy: 'Ignore' } });

    // WHEN
    const objects = synthComponent((scope) => new IstioBase(scope, 'base', { values }));

    // THEN
    const validator = only(objects, 'ValidatingWebhookConfiguration');
    expect(validator.metadata.labels['istio.io/rev']).toBe('canary');
    expect(validator.webhooks[0].clientConfig.service.name).toBe('istiod-canary');
    expect(validator.webhooks[0].failurePolicy).toBe('Ignore');
  });

  test('a user CRD file replaces the generated CRDs', () => {
    // GIVEN
    const values = valuesWith();
    const userCrd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gateways.networking.istio.io', labels: { app: 'istio-pilot' } },
      spec: { group: 'networking.istio.io', names: { kind: 'Gateway', plural: 'gateways' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }] },
    };

    // WHEN
    const objects = synthComponent((scope) => new IstioBase(scope, 'base', { values, crdDocuments: [userCrd] }));

    // THEN
    const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
    expect(crds).toHaveLength(1);
    expect(crds[0].spec).toEqual(userCrd.spec);
    expect(crds[0].metadata.labels).toMatchObject({ 'app': 'istio-pilot', 'app.kubernetes.io/part-of': 'istio' });
    expect(crds[0].metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
  });

  test('a CRD file with non-Istio content is rejected with the document index', () => {
    // GIVEN
    const foreign = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'certificates.cert-manager.io' }, spec: { group: 'cert-manager.io' } };
    const notACrd = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } };

    // WHEN / THEN
    expect(() => checkIstioCrds([foreign])).toThrow('crdDocuments[0] (certificates.cert-manager.io): must be an Istio CRD (spec.group ending in .istio.io), got group "cert-manager.io"');
    expect(() => checkIstioCrds([notACrd])).toThrow('crdDocuments[0]: must be an apiextensions.k8s.io/v1 CustomResourceDefinition, got v1/ConfigMap');
    expect(() => checkIstioCrds([])).toThrow('crdDocuments: must contain at least one Istio CustomResourceDefinition, got none');
  });
});
