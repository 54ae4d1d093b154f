import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { binderOf } from '../values/binder';
import { IstioValues } from '../values/model';
import { ISTIO_CRDS, IstioCrdFacts } from './crd-catalog';
import { CRD_SCHEMA_SOURCE, CRD_SPEC_REQUIRED, CRD_SPEC_SCHEMAS, CRD_SPEC_SCHEMA_OF } from './crd-schemas.gen';
import { IstioReaderRbac } from './istiod-rbac';
import { commonLabels, istiodName, revisionLabel } from './labels';
import { KubeCustomResourceDefinition, KubeServiceAccount, KubeValidatingWebhookConfiguration, userSupplied } from './kube-objects';

/** API groups whose objects istiod validates. */
export const ISTIO_CONFIG_GROUPS = ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'];

/** Props of {@link IstioBase}. */
export interface IstioBaseProps {
  /** Resolved values. */
  readonly values: IstioValues;
  /**
   * CRDs to emit instead of the generated structural ones, e.g. the `crd-all.gen.yaml` of the Istio
   * release in use (already parsed). Every document must be an Istio CustomResourceDefinition.
   * @default - the 15 Istio 1.30 CRDs with structural schemas of the Istio APIs (crd-schemas.gen.ts)
   */
  readonly crdDocuments?: ReadonlyArray<Record<string, any>>;
}

/**
 * The cluster-wide base of Istio: the 15 CRDs, the istio-reader service account with its read-only
 * ClusterRole (used by other clusters' istiods and by tools), and the default-revision validating
 * webhook `istiod-default-validator`.
 */
export class IstioBase extends Construct {
  constructor(scope: Construct, id: string, props: IstioBaseProps) {
    super(scope, id);
    const values = props.values;
    const b = binderOf(this);
    const labels = commonLabels(values);

    // CRDs are documents (upstream's, or built from schema data) in the API's own spelling
    // (`openAPIV3Schema`, `x-kubernetes-*`, which the L1 types spell `openApiv3Schema`, ...): typed as
    // CustomResourceDefinitions, their contents checked against the API schema by the tests.
    if (props.crdDocuments) {
      checkIstioCrds(props.crdDocuments).forEach((doc) => {
        new KubeCustomResourceDefinition(this, `crd-${doc.metadata.name}`, userSupplied<k8s.KubeCustomResourceDefinitionProps>(crdWithPackLabels(doc, labels)));
      });
    } else {
      for (const crd of ISTIO_CRDS) {
        new KubeCustomResourceDefinition(this, `crd-${crd.plural}.${crd.group}`, userSupplied<k8s.KubeCustomResourceDefinitionProps>(structuralCrd(crd, labels)));
      }
    }

    new KubeServiceAccount(this, 'reader-service-account', {
      metadata: { name: 'istio-reader-service-account', namespace: values.global.istioNamespace, labels: { ...labels, app: 'istio-reader' } },
    });

    new IstioReaderRbac(this, 'reader-rbac', { values });

    new KubeValidatingWebhookConfiguration(this, 'default-validator', {
      metadata: {
        name: 'istiod-default-validator',
        labels: {
          ...labels,
          'app': 'istiod',
          'istio': 'istiod',
          'istio.io/rev': revisionLabel(b, values),
          'release': 'istio',
          'app.kubernetes.io/name': 'istiod',
        },
      },
      webhooks: [{
        name: 'validation.istio.io',
        clientConfig: { service: { name: istiodName(b, values), namespace: values.global.istioNamespace, path: '/validate' } },
        rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: ISTIO_CONFIG_GROUPS, apiVersions: ['*'], resources: ['*'] }],
        failurePolicy: values.base.validationFailurePolicy,
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        // As the validator istioctl installs: config labelled for a revision is left to that revision's validator.
        objectSelector: { matchExpressions: [{ key: 'istio.io/rev', operator: 'DoesNotExist' }] },
      }],
    });
  }
}

/** Schema of a CRD version's spec when the schema source has none (a kind newer than the source). */
const FREE_FORM_SPEC = { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true };

/**
 * The OpenAPI schema of one CRD version: `spec` typed from the generated Istio API schemas
 * (crd-schemas.gen.ts, `npm run crd-schemas`), so the API server refuses wrong types, unknown enum
 * values and missing required fields; `status` is kept as written, as upstream does.
 */
export function crdVersionSchema(crd: IstioCrdFacts, version: string): Record<string, unknown> {
  const name = `${crd.plural}.${crd.group}`;
  const key = CRD_SPEC_SCHEMA_OF[`${name}/${version}`];
  const typed = key !== undefined;
  return {
    openAPIV3Schema: {
      type: 'object',
      description: typed
        ? `${crd.kind} of ${crd.group} (spec schema: ${CRD_SCHEMA_SOURCE.package} ${CRD_SCHEMA_SOURCE.version}, Istio ${CRD_SCHEMA_SOURCE.istio} APIs); istiod's validating webhook checks the rest.`
        : `${crd.kind} of ${crd.group}; contents are validated by istiod's validating webhook.`,
      properties: {
        spec: typed ? CRD_SPEC_SCHEMAS[key] : FREE_FORM_SPEC,
        status: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
      ...(typed && CRD_SPEC_REQUIRED.includes(name) ? { required: ['spec'] } : {}),
    },
  };
}

/** A CRD with the structural schemas of {@link crdVersionSchema}. */
export function structuralCrd(crd: IstioCrdFacts, labels: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${crd.plural}.${crd.group}`,
      labels,
      annotations: { 'helm.sh/resource-policy': 'keep' },
    },
    spec: {
      group: crd.group,
      names: {
        kind: crd.kind,
        listKind: crd.listKind,
        plural: crd.plural,
        singular: crd.singular,
        ...(crd.shortNames.length > 0 ? { shortNames: crd.shortNames } : {}),
        categories: crd.categories,
      },
      scope: crd.scope,
      versions: crd.versions.map((version) => ({
        name: version.name,
        served: version.served,
        storage: version.storage,
        ...(version.deprecated ? { deprecated: true, deprecationWarning: version.deprecationWarning } : {}),
        ...(version.printerColumns.length > 0 ? { additionalPrinterColumns: version.printerColumns } : {}),
        schema: crdVersionSchema(crd, version.name),
        ...(version.statusSubresource ? { subresources: { status: {} } } : {}),
      })),
    },
  };
}

/**
 * Checks user-supplied CRD documents: each must be an apiextensions.k8s.io/v1 CRD of an `*.istio.io`
 * group. Non-CRD documents (a List wrapper is unwrapped) are rejected with their index.
 */
export function checkIstioCrds(docs: ReadonlyArray<Record<string, any>>): Array<Record<string, any>> {
  const crds: Array<Record<string, any>> = [];
  const flattened = docs.flatMap((doc) => (doc?.kind === 'List' && Array.isArray(doc.items) ? doc.items : [doc]));
  flattened.forEach((doc, index) => {
    if (doc === null || doc === undefined) return;
    const where = `crdDocuments[${index}]`;
    if (doc.apiVersion !== 'apiextensions.k8s.io/v1' || doc.kind !== 'CustomResourceDefinition') {
      throw new Error(`${where}: must be an apiextensions.k8s.io/v1 CustomResourceDefinition, got ${doc.apiVersion}/${doc.kind}`);
    }
    const group: unknown = doc.spec?.group;
    if (typeof group !== 'string' || !group.endsWith('.istio.io')) {
      throw new Error(`${where} (${doc.metadata?.name}): must be an Istio CRD (spec.group ending in .istio.io), got group ${JSON.stringify(group)}`);
    }
    crds.push(doc);
  });
  if (crds.length === 0) throw new Error('crdDocuments: must contain at least one Istio CustomResourceDefinition, got none');
  return crds.sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
}

function crdWithPackLabels(doc: Record<string, any>, labels: Record<string, string>): Record<string, any> {
  const metadata = doc.metadata ?? {};
  return {
    ...doc,
    metadata: {
      name: metadata.name,
      labels: { ...(metadata.labels ?? {}), ...labels },
      annotations: { ...(metadata.annotations ?? {}), 'helm.sh/resource-policy': 'keep' },
    },
  };
}
