import * as yaml from 'js-yaml';
import { renderProfile } from '../src/outputs/render-profile';
import { BUILTIN_PROFILES } from '../src/profiles/builtin-profiles';

/**
 * Every validating webhook follows `base.validationFailurePolicy`. Upstream 1.30.3 renders
 * `failurePolicy: {{ .Values.base.validationFailurePolicy }}` in both the base chart's
 * `istiod-default-validator` and istio-discovery's `istio-validator-<rev>-<ns>`, and its values comment
 * recommends `Fail` for server-side apply and `helm template | kubectl apply`; `Ignore` stays selectable.
 */

/** The validating webhooks (configuration/webhook) each profile renders, with and without a revision. */
const EXPECTED_WEBHOOKS: Record<string, { readonly plain: string[]; readonly canary: string[] }> = {
  default: {
    plain: ['istio-validator-istio-system/rev.validation.istio.io', 'istiod-default-validator/validation.istio.io'],
    canary: ['istio-validator-canary-istio-system/rev.validation.istio.io', 'istiod-default-validator/validation.istio.io'],
  },
  demo: {
    plain: ['istio-validator-istio-system/rev.validation.istio.io', 'istiod-default-validator/validation.istio.io'],
    canary: ['istio-validator-canary-istio-system/rev.validation.istio.io', 'istiod-default-validator/validation.istio.io'],
  },
  minimal: {
    plain: ['istio-validator-istio-system/rev.validation.istio.io', 'istiod-default-validator/validation.istio.io'],
    canary: ['istio-validator-canary-istio-system/rev.validation.istio.io', 'istiod-default-validator/validation.istio.io'],
  },
  empty: { plain: [], canary: [] },
  preview: {
    plain: ['istio-validator-istio-system/rev.validation.istio.io', 'istiod-default-validator/validation.istio.io'],
    canary: ['istio-validator-canary-istio-system/rev.validation.istio.io', 'istiod-default-validator/validation.istio.io'],
  },
  remote: {
    plain: ['istiod-default-validator/validation.istio.io'],
    canary: ['istiod-default-validator/validation.istio.io'],
  },
  ambient: {
    plain: ['istio-validator-istio-system/rev.validation.istio.io', 'istiod-default-validator/validation.istio.io'],
    canary: ['istio-validator-canary-istio-system/rev.validation.istio.io', 'istiod-default-validator/validation.istio.io'],
  },
};

/** Every webhook of every ValidatingWebhookConfiguration in a rendered profile, as [name, failurePolicy]. */
function validatingWebhooks(files: ReadonlyMap<string, string>): Array<[string, string]> {
  return [...files.values()]
    .flatMap((content) => yaml.loadAll(content) as any[])
    .filter((doc) => doc?.kind === 'ValidatingWebhookConfiguration')
    .flatMap((doc) => doc.webhooks.map((webhook: any): [string, string] => [`${doc.metadata.name}/${webhook.name}`, webhook.failurePolicy]))
    .sort(([a], [b]) => a.localeCompare(b));
}

describe('validating webhooks follow base.validationFailurePolicy', () => {
  test('the expectations cover every built-in profile', () => {
    expect(Object.keys(EXPECTED_WEBHOOKS).sort()).toEqual(BUILTIN_PROFILES.map((profile) => profile.name).sort());
  });

  const cases = BUILTIN_PROFILES.flatMap((profile) => (['Fail', 'Ignore'] as const).flatMap((policy) =>
    (['plain', 'canary'] as const).map((revision) => [profile.name, policy, revision, profile] as const)));

  test.each(cases)('profile %s, policy %s, %s', (name, policy, revision, profile) => {
    // GIVEN
    const values = { base: { validationFailurePolicy: policy }, ...(revision === 'canary' ? { global: { revision: 'canary' } } : {}) };

    // WHEN
    const rendered = renderProfile(profile, { userValues: [{ source: 'test', values }] });

    // THEN
    expect(validatingWebhooks(rendered.files)).toEqual(EXPECTED_WEBHOOKS[name][revision].map((webhook) => [webhook, policy]));
  });

  test('Fail is the default', () => {
    // WHEN
    const rendered = renderProfile(BUILTIN_PROFILES.find((profile) => profile.name === 'default')!);

    // THEN
    expect(validatingWebhooks(rendered.files).map(([, policy]) => policy)).toEqual(['Fail', 'Fail']);
  });
});
