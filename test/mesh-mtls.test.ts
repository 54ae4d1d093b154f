import { renderProfile } from '../src/outputs/render-profile';
import { builtinProfile } from '../src/profiles/builtin-profiles';
import { resolveValues } from '../src/values/resolve';
import { objectsOfFiles } from './support/objects';
import { importEsm } from './support/import-esm';

/**
 * mesh.mtls.mode: STRICT renders the mesh-wide PeerAuthentication of Istio's documentation (name
 * `default`, root namespace, no selector, security.istio.io/v1); PERMISSIVE, Istio's behaviour without
 * any policy, renders none. Checked against @kubernetes-models/istio, Istio's published API schema.
 */

function render(profileName: string, values: Record<string, unknown>) {
  const rendered = renderProfile(builtinProfile(profileName)!, { userValues: [{ source: 'test values', values }] });
  return { files: rendered.files, objects: objectsOfFiles(rendered.files) };
}

const policies = (objects: ReadonlyArray<Record<string, any>>) => objects.filter((object) => object.kind === 'PeerAuthentication');

describe('mesh.mtls.mode', () => {
  test('GIVEN the default values THEN the mode is PERMISSIVE and no PeerAuthentication is rendered, in any built-in profile', () => {
    // GIVEN
    expect(resolveValues([]).mesh.mtls.mode).toBe('PERMISSIVE');

    // WHEN
    const rendered = ['default', 'demo', 'minimal', 'ambient', 'remote'].map((profile) => render(profile, {}));

    // THEN
    for (const { objects, files } of rendered) {
      expect(policies(objects)).toEqual([]);
      expect(files.has('mesh-policy.yaml')).toBe(false);
    }
  });

  test('GIVEN STRICT WHEN synthesised THEN one mesh-wide PeerAuthentication default in the root namespace, valid for the Istio API', async () => {
    // GIVEN
    const { PeerAuthentication } = await importEsm('@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication');

    // WHEN
    const { objects, files } = render('default', { mesh: { mtls: { mode: 'STRICT' } } });

    // THEN
    const [policy, ...others] = policies(objects);
    expect(others).toEqual([]);
    expect(policy.apiVersion).toBe('security.istio.io/v1');
    expect(policy.metadata.name).toBe('default');
    expect(policy.metadata.namespace).toBe('istio-system');
    expect(policy.spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(() => new PeerAuthentication(policy).validate()).not.toThrow();
    // AND it is applied after the control plane that validates it
    expect([...files.keys()].indexOf('mesh-policy.yaml')).toBeGreaterThan([...files.keys()].indexOf('istiod.yaml'));
    expect(policy.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('1');
  });

  test('GIVEN the validator THEN it refuses a mode the API does not have (the check above can fail)', async () => {
    const { PeerAuthentication } = await importEsm('@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication');
    const broken = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default' }, spec: { mtls: { mode: 'STRICTER' } } };
    expect(() => new PeerAuthentication(broken).validate()).toThrow();
  });

  test('GIVEN STRICT and a root namespace set in mesh.extraConfig THEN the policy goes to that namespace', () => {
    const { objects } = render('default', { mesh: { mtls: { mode: 'STRICT' }, extraConfig: { rootNamespace: 'istio-config' } } });
    expect(policies(objects).map((policy) => policy.metadata.namespace)).toEqual(['istio-config']);
  });

  test('GIVEN STRICT on a remote cluster or without istiod THEN no policy (the mesh config lives with the control plane)', () => {
    expect(policies(render('remote', { mesh: { mtls: { mode: 'STRICT' } } }).objects)).toEqual([]);
    expect(policies(render('default', { mesh: { mtls: { mode: 'STRICT' } }, istiod: { enabled: false } }).objects)).toEqual([]);
  });

  test('GIVEN an unknown mode THEN the values are refused naming the path and the choices', () => {
    expect(() => render('default', { mesh: { mtls: { mode: 'strict' } } })).toThrow(/mesh\.mtls\.mode.*PERMISSIVE \| STRICT/);
  });
});
