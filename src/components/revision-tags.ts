import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { binderOf } from '../values/binder';
import { IstioValues } from '../values/model';
import { Selector, doesNotExist, injectorWebhook, isIn, notIn } from './istiod-webhooks';
import { commonLabels, isRevisioned, revisionLabel } from './labels';
import { KubeMutatingWebhookConfiguration, KubeService, intOrString, valuesList } from './kube-objects';

/** Props of {@link RevisionTags}. */
export interface RevisionTagsProps {
  /** Resolved values; `revisionTags` lists the tags. */
  readonly values: IstioValues;
}

/**
 * Revision tags of this control plane (`revisionTags`), rendered as upstream's istiod chart renders
 * them (templates/revision-tags-mwc.yaml and revision-tags-svc.yaml): per tag a
 * MutatingWebhookConfiguration `istio-revision-tag-<tag>[-<istioNamespace>]` that sends pods of
 * namespaces labelled `istio.io/rev=<tag>` (and pods labelled so) to this revision's injector, and a
 * Service `istiod-revision-tag-<tag>` in front of this revision's istiod.
 *
 * Tag `default` also answers to `istio-injection=enabled` namespaces, `sidecar.istio.io/inject=true`
 * pods and (with `sidecarInjection.allNamespaces`) every other namespace: the tag `istioctl install`
 * creates. Its webhooks call the injector the revision's own webhook calls (istioctl copies that
 * clientConfig), so a remote cluster's tags call the external istiod.
 */
export class RevisionTags extends Construct {
  constructor(scope: Construct, id: string, props: RevisionTagsProps) {
    super(scope, id);
    const { values } = props;
    const b = binderOf(this);
    const namespace = values.global.istioNamespace;
    const revision = revisionLabel(b, values);
    const namespaceSuffix = b.choose(b.eq(namespace, 'istio-system'), '', `-${namespace}`);

    b.eachBuild(this, values.revisionTags, (tag, itemId) => {
      const isDefault = b.eq(tag, 'default');
      const webhook = (name: string, namespaceSelector: Selector[], objectSelector: Selector[]) =>
        injectorWebhook(b, values, name, { matchExpressions: namespaceSelector }, { matchExpressions: objectSelector });

      new KubeMutatingWebhookConfiguration(this, `${itemId}-webhook`, {
        metadata: {
          name: `istio-revision-tag-${tag}${namespaceSuffix}`,
          labels: {
            ...commonLabels(values),
            'istio.io/tag': tag,
            'istio.io/rev': revision,
            'install.operator.istio.io/owning-resource': 'unknown',
            'operator.istio.io/component': 'Pilot',
            'app': 'sidecar-injector',
            'release': 'istio',
            'app.kubernetes.io/name': 'istiod',
          },
        },
        webhooks: b.flat<k8s.MutatingWebhook>(
          webhook('rev.namespace.sidecar-injector.istio.io',
            [isIn('istio.io/rev', [tag]), doesNotExist('istio-injection')],
            [notIn('sidecar.istio.io/inject', ['false'])]),
          webhook('rev.object.sidecar-injector.istio.io',
            [doesNotExist('istio.io/rev'), doesNotExist('istio-injection')],
            [notIn('sidecar.istio.io/inject', ['false']), isIn('istio.io/rev', [tag])]),
          b.optional(isDefault, webhook('namespace.sidecar-injector.istio.io',
            [isIn('istio-injection', ['enabled'])],
            [notIn('sidecar.istio.io/inject', ['false'])])),
          b.optional(isDefault, webhook('object.sidecar-injector.istio.io',
            [doesNotExist('istio-injection'), doesNotExist('istio.io/rev')],
            [isIn('sidecar.istio.io/inject', ['true']), doesNotExist('istio.io/rev')])),
          b.optional(b.and(isDefault, values.sidecarInjection.allNamespaces), webhook('auto.sidecar-injector.istio.io',
            [doesNotExist('istio-injection'), doesNotExist('istio.io/rev'), { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: valuesList(values.sidecarInjection.excludedNamespaces) }],
            [doesNotExist('sidecar.istio.io/inject'), doesNotExist('istio.io/rev')])),
        ),
      });

      new KubeService(this, `${itemId}-service`, {
        metadata: {
          name: `istiod-revision-tag-${tag}`,
          namespace,
          labels: {
            ...commonLabels(values),
            'istio.io/rev': revision,
            'istio.io/tag': tag,
            'install.operator.istio.io/owning-resource': 'unknown',
            'operator.istio.io/component': 'Pilot',
            'app': 'istiod',
            // Upstream labels every tag Service `istio: pilot`, revisioned or not.
            'istio': 'pilot',
            'release': 'istio',
            'app.kubernetes.io/name': 'istiod',
          },
        },
        spec: {
          ports: [
            { port: 15010, name: 'grpc-xds', protocol: 'TCP' },
            { port: 15012, name: 'https-dns', protocol: 'TCP' },
            { port: 443, name: 'https-webhook', targetPort: intOrString(15017), protocol: 'TCP' },
            { port: 15014, name: 'http-monitoring', protocol: 'TCP' },
          ],
          selector: b.choose<Record<string, string>>(isRevisioned(b, values), { 'app': 'istiod', 'istio.io/rev': values.global.revision }, { 'app': 'istiod', 'istio': 'pilot' }),
        },
      });
    });
  }
}
