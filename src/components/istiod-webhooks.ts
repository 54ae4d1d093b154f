import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { Binder, binderOf } from '../values/binder';
import { IstioValues } from '../values/model';
import { ISTIO_CONFIG_GROUPS } from './base';
import { isRevisioned, istiodName, revisionLabel, withRevision } from './labels';
import { KubeMutatingWebhookConfiguration, KubeValidatingWebhookConfiguration, valuesList } from './kube-objects';

/** Props of {@link SidecarInjectorWebhook} and {@link IstiodValidator}. */
export interface IstiodWebhookProps {
  /** Resolved values. */
  readonly values: IstioValues;
  /** Labels shared by the control-plane objects. */
  readonly labels: Record<string, string>;
}

/** One label selector requirement. */
export type Selector = k8s.LabelSelectorRequirement;
export const doesNotExist = (key: string): Selector => ({ key, operator: 'DoesNotExist' });
export const isIn = (key: string, values: string[]): Selector => ({ key, operator: 'In', values });
export const notIn = (key: string, values: string[]): Selector => ({ key, operator: 'NotIn', values });

/**
 * MutatingWebhookConfiguration `istio-sidecar-injector[-<rev>]`: which pods istiod's injector sees.
 *
 * Non-revisioned installs answer to `istio-injection=enabled` namespaces, to `istio.io/rev=default`
 * and to pods labelled `sidecar.istio.io/inject=true`; revisioned installs only to `istio.io/rev=<rev>`.
 * With `sidecarInjection.allNamespaces` every other namespace except the excluded ones is injected too.
 * istiod patches the caBundle at run time, so none is rendered.
 */
export class SidecarInjectorWebhook extends Construct {
  constructor(scope: Construct, id: string, props: IstiodWebhookProps) {
    super(scope, id);
    const { values } = props;
    const b = binderOf(this);
    const revision = revisionLabel(b, values);
    const revisioned = isRevisioned(b, values);
    const namespaceSuffix = b.choose(b.eq(values.global.istioNamespace, 'istio-system'), '', `-${values.global.istioNamespace}`);

    // With the default tag on a non-revisioned install, istio-revision-tag-default is the default
    // injector; these webhooks stay, deactivated the way `istioctl install` leaves them.
    const deactivated = b.and(b.not(revisioned), hasDefaultTag(b, values));
    const selector = (requirements: Selector[]) => b.choose<k8s.LabelSelector>(deactivated, NEVER_MATCH, { matchExpressions: requirements });
    const webhook = (name: string, namespaceSelector: Selector[], objectSelector: Selector[]) =>
      injectorWebhook(b, values, name, selector(namespaceSelector), selector(objectSelector));

    const webhooks = b.flat<k8s.MutatingWebhook>(
      webhook('rev.namespace.sidecar-injector.istio.io',
        [isIn('istio.io/rev', [revision]), doesNotExist('istio-injection')],
        [notIn('sidecar.istio.io/inject', ['false'])]),
      webhook('rev.object.sidecar-injector.istio.io',
        [doesNotExist('istio.io/rev'), doesNotExist('istio-injection')],
        [notIn('sidecar.istio.io/inject', ['false']), isIn('istio.io/rev', [revision])]),
      // Namespaces labelled istio-injection=enabled and opted-in pods belong to the default revision only.
      b.optional(b.not(revisioned), webhook('namespace.sidecar-injector.istio.io',
        [isIn('istio-injection', ['enabled'])],
        [notIn('sidecar.istio.io/inject', ['false'])])),
      b.optional(b.not(revisioned), webhook('object.sidecar-injector.istio.io',
        [doesNotExist('istio-injection'), doesNotExist('istio.io/rev')],
        [isIn('sidecar.istio.io/inject', ['true']), doesNotExist('istio.io/rev')])),
      b.optional(b.and(b.not(revisioned), values.sidecarInjection.allNamespaces), webhook('auto.sidecar-injector.istio.io',
        [doesNotExist('istio-injection'), doesNotExist('istio.io/rev'), { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: valuesList(values.sidecarInjection.excludedNamespaces) }],
        [doesNotExist('sidecar.istio.io/inject'), doesNotExist('istio.io/rev')])),
    );

    new KubeMutatingWebhookConfiguration(this, 'Resource', {
      metadata: {
        name: `${withRevision(b, values, 'istio-sidecar-injector')}${namespaceSuffix}`,
        labels: { ...props.labels, 'app': 'sidecar-injector', 'istio.io/rev': revision },
      },
      webhooks,
    });
  }
}

/**
 * The selector istioctl gives webhooks it deactivates (istioctl/pkg/util NeverMatch): no object carries
 * the label, and `istioctl x check-inject` recognises it.
 */
export const NEVER_MATCH: k8s.LabelSelector = { matchLabels: { 'istio.io/deactivated': 'never-match' } };

/** Does `revisionTags` hold the `default` tag? */
export function hasDefaultTag(b: Binder, values: IstioValues): boolean {
  return b.matches(b.join(values.revisionTags, ','), '(^|,)default(,|$)');
}

/** One sidecar-injector webhook of istiod's chart: calls this revision's injector for new pods. */
export function injectorWebhook(b: Binder, values: IstioValues, name: string, namespaceSelector: k8s.LabelSelector, objectSelector: k8s.LabelSelector): k8s.MutatingWebhook {
  return {
    name,
    admissionReviewVersions: ['v1'],
    clientConfig: injectorClientConfig(b, values),
    failurePolicy: 'Fail',
    namespaceSelector,
    objectSelector,
    reinvocationPolicy: 'Never',
    rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
    sideEffects: 'None',
  };
}

/** Where the injector webhook calls: the local istiod Service, or the external istiod of a remote cluster. */
function injectorClientConfig(b: Binder, values: IstioValues): k8s.WebhookClientConfig {
  const { remote } = values;
  const network = b.choose(b.isSet(values.global.network), `/net/${values.global.network}`, '');
  return b.choose(b.and(remote.enabled, b.isSet(remote.injectionURL)),
    { url: remote.injectionURL },
    b.choose(b.and(remote.enabled, b.isSet(remote.pilotAddress)),
      { url: `https://${remote.pilotAddress}:15017/inject/cluster/${values.global.clusterId}${network}` },
      { service: { name: istiodName(b, values), namespace: values.global.istioNamespace, path: '/inject', port: 443 } }));
}

/**
 * ValidatingWebhookConfiguration `istio-validator[-<rev>]-<istioNamespace>`: istiod validates Istio
 * config labelled for its revision (unlabelled config is covered by `istiod-default-validator`).
 */
export class IstiodValidator extends Construct {
  constructor(scope: Construct, id: string, props: IstiodWebhookProps) {
    super(scope, id);
    const { values } = props;
    const b = binderOf(this);
    const revision = revisionLabel(b, values);
    new KubeValidatingWebhookConfiguration(this, 'Resource', {
      metadata: {
        name: `${withRevision(b, values, 'istio-validator')}-${values.global.istioNamespace}`,
        labels: { ...props.labels, 'app': 'istiod', 'istio': 'istiod', 'istio.io/rev': revision },
      },
      webhooks: [{
        name: 'rev.validation.istio.io',
        admissionReviewVersions: ['v1'],
        clientConfig: { service: { name: istiodName(b, values), namespace: values.global.istioNamespace, path: '/validate' } },
        failurePolicy: values.base.validationFailurePolicy,
        objectSelector: { matchExpressions: [isIn('istio.io/rev', [revision])] },
        rules: [{ apiGroups: ISTIO_CONFIG_GROUPS, apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['*'] }],
        sideEffects: 'None',
      }],
    });
  }
}
