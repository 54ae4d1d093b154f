import * as fs from 'fs';
import * as path from 'path';
import { Istiod } from '../src/components/istiod';
import { resolveValues } from '../src/values/resolve';
import { ISTIOCTL_NEVER_MATCH } from './fixtures/istioctl-1.30.3-adoption';
import { only, synthComponent, valuesWith } from './support/values';

/**
 * Revision tags against upstream Istio 1.30.3: the objects its istiod chart renders for `revisionTags`
 * (recorded by test/tools/upstream-revision-tags/record.js with real Helm), and the deactivated
 * `istio-sidecar-injector` that `istioctl install` leaves next to its `default` tag.
 */
const UPSTREAM = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'upstream-1.30.3-revision-tags.json'), 'utf8')) as {
  cases: Array<{ name: string; objects: Array<Record<string, any>> }>;
};

/** Our values for each upstream case (upstream `revision` is our `global.revision`, `enableNamespacesByDefault` our `allNamespaces`). */
const OUR_VALUES: Record<string, Record<string, unknown>> = {
  'non-revisioned, tags default and prod-stable': { revisionTags: ['default', 'prod-stable'] },
  'revision canary, tags prod-canary and default, enableNamespacesByDefault': {
    global: { revision: 'canary' }, revisionTags: ['prod-canary', 'default'], sidecarInjection: { allNamespaces: true },
  },
  'revision canary in namespace mesh, tag prod-canary': { global: { revision: 'canary', istioNamespace: 'mesh' }, revisionTags: ['prod-canary'] },
};

const istiodObjects = (overlay: Record<string, unknown>) =>
  synthComponent((scope) => new Istiod(scope, 'istiod', { values: valuesWith(overlay) }));

/** The tag objects of a render, without the label naming the Istio version (the fixture leaves it out too). */
function tagObjects(objects: Array<Record<string, any>>): Array<Record<string, any>> {
  return objects
    .filter((o) => o.metadata.labels?.['istio.io/tag'] !== undefined)
    .map((o) => {
      const copy = JSON.parse(JSON.stringify(o));
      delete copy.metadata.labels['app.kubernetes.io/version'];
      return copy;
    });
}

const byKindAndName = (a: Record<string, any>, b: Record<string, any>) =>
  `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`);

describe('revision tags', () => {
  test('every upstream case has our values', () => {
    expect(UPSTREAM.cases.map((c) => c.name).sort()).toEqual(Object.keys(OUR_VALUES).sort());
  });

  test.each(UPSTREAM.cases.map((c) => [c.name, c] as const))('%s: the tag webhooks and Services are upstream\'s, whole', (name, upstream) => {
    // WHEN
    const ours = tagObjects(istiodObjects(OUR_VALUES[name]));

    // THEN
    expect(ours.sort(byKindAndName)).toEqual([...upstream.objects].sort(byKindAndName));
  });

  test('no tags by default, as upstream\'s revisionTags: []', () => {
    expect(tagObjects(istiodObjects({}))).toEqual([]);
  });

  test('the default tag on a non-revisioned install deactivates istio-sidecar-injector as istioctl install does', () => {
    // GIVEN
    const plain = only(istiodObjects({}), 'MutatingWebhookConfiguration', 'istio-sidecar-injector');

    // WHEN
    const tagged = only(istiodObjects({ revisionTags: ['default'] }), 'MutatingWebhookConfiguration', 'istio-sidecar-injector');

    // THEN every webhook stays, with only its selectors replaced
    expect(tagged.metadata).toEqual(plain.metadata);
    expect(tagged.webhooks).toEqual(plain.webhooks.map((webhook: Record<string, unknown>) => ({
      ...webhook, namespaceSelector: ISTIOCTL_NEVER_MATCH, objectSelector: ISTIOCTL_NEVER_MATCH,
    })));
  });

  test('the default tag\'s webhooks then take over exactly the selectors istio-sidecar-injector gave up', () => {
    // GIVEN
    const plain = only(istiodObjects({}), 'MutatingWebhookConfiguration', 'istio-sidecar-injector');

    // WHEN
    const tag = only(istiodObjects({ revisionTags: ['default'] }), 'MutatingWebhookConfiguration', 'istio-revision-tag-default');

    // THEN
    expect(tag.webhooks).toEqual(plain.webhooks);
  });

  test.each([
    ['other tags only', { revisionTags: ['prod-stable'] }],
    ['the default tag on a revisioned install', { global: { revision: 'canary' }, revisionTags: ['default'] }],
    ['a tag merely containing "default"', { revisionTags: ['defaults', 'x-default', 'default-x'] }],
  ])('%s: the revision\'s own injector webhooks stay active', (_title, overlay) => {
    // GIVEN
    const values = valuesWith(overlay);
    const name = values.global.revision === '' ? 'istio-sidecar-injector' : `istio-sidecar-injector-${values.global.revision}`;
    const withoutTags = only(istiodObjects({ ...overlay, revisionTags: [] }), 'MutatingWebhookConfiguration', name);

    // WHEN
    const injector = only(istiodObjects(overlay), 'MutatingWebhookConfiguration', name);

    // THEN
    expect(injector.webhooks).toEqual(withoutTags.webhooks);
    expect(JSON.stringify(injector.webhooks)).not.toContain('never-match');
  });

  test('in a remote cluster, tag webhooks call the external istiod the revision\'s injector calls (istioctl copies that clientConfig)', () => {
    // GIVEN
    const overlay = { remote: { enabled: true, pilotAddress: '10.0.0.1' }, global: { revision: 'canary' }, revisionTags: ['prod'] };

    // WHEN
    const objects = istiodObjects(overlay);

    // THEN
    const injector = only(objects, 'MutatingWebhookConfiguration', 'istio-sidecar-injector-canary');
    const tag = only(objects, 'MutatingWebhookConfiguration', 'istio-revision-tag-prod');
    expect(tag.webhooks.map((w: any) => w.clientConfig)).toEqual([
      { url: 'https://10.0.0.1:15017/inject/cluster/Kubernetes' },
      { url: 'https://10.0.0.1:15017/inject/cluster/Kubernetes' },
    ]);
    expect(tag.webhooks.map((w: any) => w.clientConfig)).toEqual(injector.webhooks.map((w: any) => w.clientConfig));
  });

  test.each([
    [{ revisionTags: ['prod_stable'] }, 'revisionTags[0]: must be a DNS-1123 label of at most 43 characters, got "prod_stable"'],
    [{ revisionTags: ['a'.repeat(44)] }, 'revisionTags[0]: must be a DNS-1123 label of at most 43 characters'],
    [{ revisionTags: ['prod', 'prod'] }, 'revisionTags[1]: must be unique in the list, got "prod" again'],
    [{ global: { revision: 'canary' }, revisionTags: ['canary'] }, 'revisionTags[0]: must not equal global.revision ("canary"): a tag is an extra name for the revision, got "canary"'],
  ])('refuses %j', (overlay, message) => {
    expect(() => resolveValues([{ source: 'test values', values: overlay }])).toThrow(message);
  });

  test('a 43-character tag fits the Service name limit of 63', () => {
    const tag = 'a'.repeat(43);
    const service = only(istiodObjects({ revisionTags: [tag] }), 'Service', `istiod-revision-tag-${tag}`);
    expect(service.metadata.name).toHaveLength(63);
  });

  test('the tag "default" on a non-revisioned install is allowed (the revision is unnamed)', () => {
    expect(() => valuesWith({ revisionTags: ['default'] })).not.toThrow();
  });
});
