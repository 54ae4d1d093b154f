import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { renderChart } from '../src/outputs/chart';
import { renderProfile } from '../src/outputs/render-profile';
import { synthesize } from '../src/outputs/synth';
import { BUILTIN_PROFILES } from '../src/profiles/builtin-profiles';
import { HELMS, writeChartFolder } from './support/helm';
import { Workspace } from './support/workspace';
import { kustomize } from './support/kustomize';

/*
 * meshNamespaces: membership labels of namespaces istio-pack does not own, as partial Namespaces for
 * server-side apply, annotated so that Argo CD and Flux never delete them. What can be proven without
 * a cluster: the objects are partial (nothing but name, labels and annotations, so a server-side apply
 * owns only those fields), the keep annotations are exactly the ones the tools document, they are in
 * the last apply layer (after istiod), and the chart renders none (the documented deviation).
 */

type Obj = Record<string, any>;
const defaultProfile = BUILTIN_PROFILES.find((profile) => profile.name === 'default')!;
const MEMBERS = [
  { name: 'shop' },
  { name: 'payments', revision: 'canary' },
  { name: 'web', dataplane: 'ambient' },
  { name: 'batch', dataplane: 'ambient', revision: 'stable' },
];

function meshNamespaces(values: Record<string, unknown>): Obj[] {
  const rendered = renderProfile(defaultProfile, { userValues: [{ source: 'test values', values }] });
  const file = rendered.files.get('mesh-namespaces.yaml');
  return file === undefined ? [] : (yaml.loadAll(file) as Obj[]).filter((doc) => doc);
}

describe('meshNamespaces in dist/', () => {
  test('one partial Namespace per item: name, istio.io\'s membership labels and the keep annotations, nothing else', () => {
    // WHEN
    const objects = meshNamespaces({ meshNamespaces: MEMBERS });

    // THEN
    expect(objects.map((object) => object.metadata.name)).toEqual(['shop', 'payments', 'web', 'batch']);
    for (const object of objects) {
      expect(Object.keys(object).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
      expect(Object.keys(object.metadata).sort()).toEqual(['annotations', 'labels', 'name']);
      expect(() => new Namespace(object as any).validate()).not.toThrow();
      expect(object.metadata.annotations).toEqual({
        'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
        'kustomize.toolkit.fluxcd.io/prune': 'disabled',
        // After istiod: with the injector's failurePolicy Fail, labelling first would block pod creation there.
        'argocd.argoproj.io/sync-wave': '1',
      });
    }
    expect(objects.map((object) => object.metadata.labels)).toEqual([
      { 'istio-injection': 'enabled' },
      { 'istio.io/rev': 'canary' },
      { 'istio.io/dataplane-mode': 'ambient' },
      { 'istio.io/dataplane-mode': 'ambient', 'istio.io/rev': 'stable' },
    ]);
  });

  test('no list, no file', () => {
    expect(renderProfile(defaultProfile).files.has('mesh-namespaces.yaml')).toBe(false);
  });

  test('removing a namespace from the list: it leaves the output, and what the tools applied before carries the annotations that stop them deleting it', () => {
    // GIVEN a namespace applied from the list
    const applied = meshNamespaces({ meshNamespaces: MEMBERS }).find((object) => object.metadata.name === 'payments')!;

    // WHEN it is removed from the list
    const after = meshNamespaces({ meshNamespaces: MEMBERS.filter((item) => item.name !== 'payments') });

    // THEN it is no longer rendered, so Argo CD and Flux see it as removed from Git and would prune it,
    expect(after.map((object) => object.metadata.name)).toEqual(['shop', 'web', 'batch']);
    // but both read the live object's annotations, which the previous apply set:
    // Argo CD splits argocd.argoproj.io/sync-options on "," and trims ("Sync Options" user guide):
    // Prune=false skips pruning, Delete=false keeps the object when the Application is deleted.
    const argoOptions = applied.metadata.annotations['argocd.argoproj.io/sync-options'].split(',').map((option: string) => option.trim());
    expect(argoOptions).toEqual(expect.arrayContaining(['Prune=false', 'Delete=false']));
    // Flux kustomize-controller garbage collection skips objects annotated prune: disabled.
    expect(applied.metadata.annotations['kustomize.toolkit.fluxcd.io/prune']).toBe('disabled');
  });

  test('a namespace listed twice, or the control plane\'s own namespace, is refused naming the path', () => {
    expect(() => meshNamespaces({ meshNamespaces: [{ name: 'shop' }, { name: 'shop' }] })).toThrow(/meshNamespaces/);
    expect(() => meshNamespaces({ meshNamespaces: [{ name: 'istio-system' }] })).toThrow(/meshNamespaces\[0\]\.name: must not be global\.istioNamespace \("istio-system"\)/);
    expect(() => meshNamespaces({ meshNamespaces: [{ name: 'Shop' }] })).toThrow(/meshNamespaces\[0\]\.name/);
    expect(() => meshNamespaces({ meshNamespaces: [{ name: 'shop', dataplane: 'none' }] })).toThrow(/meshNamespaces\[0\]\.dataplane/);
  });
});

describe('meshNamespaces through kubectl kustomize, Flux layers and the chart', () => {
  let workspace: Workspace;
  beforeAll(() => {
    workspace = new Workspace();
    workspace.write('members.yaml', yaml.dump({ meshNamespaces: MEMBERS }));
    synthesize({ root: workspace.root, outdir: path.join(workspace.root, 'dist'), profiles: ['default'], valuesFiles: ['members.yaml'] });
  });
  afterAll(() => workspace.cleanup());


  test('kubectl kustomize keeps the partial Namespaces as they are', () => {
    const namespaces = kustomize(path.join(workspace.root, 'dist', 'default')).filter((object) => object.kind === 'Namespace' && object.metadata.name !== 'istio-system');
    // kustomize orders objects by kind and name.
    expect(namespaces.map((object) => [object.metadata.name, Object.keys(object.metadata).sort()])).toEqual(MEMBERS.map((item) => item.name).sort().map((name) => [name, ['annotations', 'labels', 'name']]));
  });

  test('Flux applies them in the last layer, after istiod is Ready', () => {
    const layer = (name: string) => kustomize(path.join(workspace.root, 'dist', 'gitops', 'flux', 'default', name), true);
    expect(layer('gateways').filter((object) => object.kind === 'Namespace').map((object) => object.metadata.name).sort()).toEqual(MEMBERS.map((item) => item.name).sort());
    expect(layer('crds').filter((object) => object.kind === 'Namespace').map((object) => object.metadata.name)).toEqual(['istio-system']);
  });

  test('the chart accepts the values and renders no Namespace (Helm cannot label a namespace it did not create), and refuses the same bad list with the same message', async () => {
    const chartDir = path.join(workspace.root, 'chart');
    writeChartFolder(chartDir, renderChart());
    for (const helm of HELMS) {
      const result = helm.template(chartDir, [path.join(workspace.root, 'members.yaml')]);
      if (!result.ok) throw new Error(result.error);
      expect(result.documents.filter((object) => object.kind === 'Namespace')).toEqual([]);
      const bad = workspace.write('bad.yaml', yaml.dump({ meshNamespaces: [{ name: 'istio-system' }] }));
      const refused = helm.template(chartDir, [bad]);
      expect(refused.ok).toBe(false);
      expect(refused.ok ? '' : refused.error).toContain('meshNamespaces[0].name: must not be global.istioNamespace ("istio-system")');
    }
    expect(fs.existsSync(path.join(workspace.root, 'dist', 'default', 'mesh-namespaces.yaml'))).toBe(true);
  });
});
