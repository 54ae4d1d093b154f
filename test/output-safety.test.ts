// The module object itself (not an import namespace), so that jest.spyOn can replace its functions.
import fs = require('fs');
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { main } from '../src/cli';
import { STAGING_PREFIX } from '../src/outputs/atomic-write';
import { MARKER_FILE, checkOutputLocation } from '../src/outputs/output-folders';
import { synthesize } from '../src/outputs/synth';
import { Workspace } from './support/workspace';

/**
 * The CLI never loses data and writes only where asked: dangerous -o folders are refused, folders
 * istio-pack did not create are left alone, and a refused or failed run changes nothing on disk.
 */

let workspace: Workspace;
let output: string[];
const originalCwd = process.cwd();

beforeEach(() => {
  workspace = new Workspace();
  output = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { output.push(String(chunk)); return true; });
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => { output.push(String(chunk)); return true; });
});
afterEach(() => {
  process.chdir(originalCwd);
  jest.restoreAllMocks();
  workspace.cleanup();
});

/** Runs the CLI in `cwd` (default: the workspace root) and returns its exit code. */
function run(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): number {
  process.chdir(options.cwd ?? workspace.root);
  try {
    return main(args, options.env ?? {});
  } finally {
    process.chdir(originalCwd);
  }
}

/** A project checkout: sources, package.json, a .git folder and a user profile. */
function checkout(): Record<string, string> {
  workspace.write('.git/HEAD', 'ref: refs/heads/main\n');
  workspace.write('package.json', '{"name": "my-mesh"}\n');
  workspace.write('src/index.ts', 'export {};\n');
  workspace.write('profiles/edge.yaml', 'extends: demo\ntracing:\n  sampling: 5\n');
  return workspace.snapshot();
}

/** Every file and folder name below the workspace that a transaction uses for staging. */
function stagingLeftovers(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(STAGING_PREFIX)) found.push(path.join(dir, entry.name));
      else if (entry.isDirectory()) walk(path.join(dir, entry.name));
    }
  };
  walk(workspace.root);
  return found;
}

describe('-o refuses folders whose replacement would lose data', () => {
  test('-o . (the working directory, a checkout) is refused and nothing changes', () => {
    // GIVEN
    const before = checkout();

    // WHEN
    const code = run(['-o', '.']);

    // THEN
    expect(code).toBe(1);
    expect(output.join('')).toContain('refusing to write output into the working directory');
    expect(output.join('')).toContain('Nothing was written.');
    expect(workspace.snapshot()).toEqual(before);
    expect(workspace.entries()).toEqual(['.git', 'package.json', 'profiles', 'src']);
  });

  test('an ancestor of the working directory is refused', () => {
    // GIVEN
    const before = checkout();
    fs.mkdirSync(path.join(workspace.root, 'src', 'deep'));

    // WHEN
    const code = run(['-o', '../..'], { cwd: path.join(workspace.root, 'src', 'deep') });

    // THEN
    expect(code).toBe(1);
    expect(output.join('')).toMatch(/refusing to write output into a folder that contains the working directory/);
    expect(workspace.snapshot()).toEqual(before);
  });

  test('the project root is refused even when the working directory is elsewhere', () => {
    // GIVEN
    const before = checkout();
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-pack-cwd-'));

    // WHEN
    process.chdir(elsewhere);
    let attempt: () => unknown;
    try {
      attempt = () => synthesize({ root: workspace.root, outdir: workspace.root });
      expect(attempt).toThrow('refusing to write output into the project root');
    } finally {
      process.chdir(originalCwd);
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }

    // THEN
    expect(workspace.snapshot()).toEqual(before);
  });

  test.each([
    ['the filesystem root', '/', 'refusing to write output into the filesystem root'],
    ['the home directory', os.homedir(), 'refusing to write output into the home directory'],
  ])('%s is refused (checked without writing anything)', (_what, folder, message) => {
    // WHEN / THEN
    expect(() => checkOutputLocation('-o', folder, { cwd: workspace.root, root: workspace.root })).toThrow(message);
  });

  test('a symbolic link to the project root is refused', () => {
    // GIVEN
    const before = checkout();
    const link = path.join(os.tmpdir(), `istio-pack-link-${process.pid}`);
    fs.symlinkSync(workspace.root, link);
    try {
      // WHEN
      const code = run(['-o', link]);

      // THEN
      expect(code).toBe(1);
      expect(output.join('')).toContain('refusing to write output into the working directory');
    } finally {
      fs.unlinkSync(link);
    }
    expect(workspace.snapshot()).toEqual(before);
  });

  test('an existing non-empty folder istio-pack did not create is refused', () => {
    // GIVEN
    const before = checkout();
    workspace.write('mine/notes.txt', 'keep me\n');

    // WHEN
    const code = run(['-o', 'mine']);

    // THEN
    expect(code).toBe(1);
    expect(output.join('')).toContain(`-o mine: refusing to write into a non-empty folder that istio-pack did not create (no valid ${MARKER_FILE} marker)`);
    expect(workspace.snapshot()).toEqual({ ...before, 'mine/notes.txt': 'keep me\n' });
  });

  test('a marker listing a path outside the folder is not a marker: the folder is refused', () => {
    // GIVEN
    checkout();
    workspace.write(`out/${MARKER_FILE}`, 'kind: manifests\nentries:\n  - ../src\n');
    const before = workspace.snapshot();

    // WHEN
    const code = run(['-o', 'out']);

    // THEN
    expect(code).toBe(1);
    expect(output.join('')).toContain('refusing to write into a non-empty folder that istio-pack did not create');
    expect(workspace.snapshot()).toEqual(before);
  });

  test('an empty folder is accepted and gets the marker', () => {
    // GIVEN
    checkout();
    fs.mkdirSync(path.join(workspace.root, 'out'));

    // WHEN
    const code = run(['-o', 'out', '-p', 'minimal']);

    // THEN
    expect(code).toBe(0);
    expect(fs.readdirSync(path.join(workspace.root, 'out')).sort()).toEqual([MARKER_FILE, 'console', 'gitops', 'helm-values', 'minimal']);
    expect(fs.readFileSync(path.join(workspace.root, 'out', MARKER_FILE), 'utf8')).toMatch(/kind: manifests\nentries:\n {2}- console\n {2}- gitops\n {2}- helm-values\n {2}- minimal\n$/);
  });

  test('the manifests folder is refused as chart folder and the other way round', () => {
    // GIVEN
    checkout();
    expect(run([])).toBe(0);
    const before = workspace.snapshot();

    // WHEN / THEN
    expect(run(['--chart-out', 'dist'])).toBe(1);
    expect(output.join('')).toContain("--chart-out dist: holds istio-pack's manifests output, not chart");
    expect(run(['-o', 'charts/istio'])).toBe(1);
    expect(output.join('')).toContain("-o charts/istio: holds istio-pack's chart output, not manifests");
    expect(workspace.snapshot()).toEqual(before);
  });

  test('outputs that overlap are refused', () => {
    // GIVEN
    const before = checkout();

    // WHEN
    const code = run(['-o', 'out', '--chart-out', 'out/chart']);

    // THEN
    expect(code).toBe(1);
    expect(output.join('')).toContain('-o out and --chart-out out/chart: outputs must be separate folders');
    expect(workspace.snapshot()).toEqual(before);
  });
});

describe('inside the folders it owns, istio-pack replaces only its own entries', () => {
  test('a full synth keeps files it did not write and removes only its stale profile folders', () => {
    // GIVEN
    checkout();
    expect(run([])).toBe(0);
    workspace.write('dist/README.md', 'my notes\n');
    workspace.write('dist/extra/app.yaml', 'kind: ConfigMap\n');
    workspace.write('charts/istio/ci/test-values.yaml', 'a: 1\n');
    fs.rmSync(path.join(workspace.root, 'profiles/edge.yaml'));

    // WHEN
    const code = run([]);

    // THEN
    expect(code).toBe(0);
    const files = workspace.snapshot();
    expect(files['dist/README.md']).toBe('my notes\n');
    expect(files['dist/extra/app.yaml']).toBe('kind: ConfigMap\n');
    expect(files['charts/istio/ci/test-values.yaml']).toBe('a: 1\n');
    expect(fs.readdirSync(path.join(workspace.root, 'dist')).sort()).toEqual([
      MARKER_FILE, 'README.md', 'ambient', 'console', 'default', 'demo', 'empty', 'extra', 'gitops', 'helm-values', 'minimal', 'preview', 'remote',
    ]);
    expect(fs.readdirSync(path.join(workspace.root, 'dist/helm-values')).sort()).toEqual(
      ['ambient.yaml', 'default.yaml', 'demo.yaml', 'empty.yaml', 'minimal.yaml', 'preview.yaml', 'remote.yaml']);
  });

  test('a folder with a new profile\'s name that istio-pack did not write is refused', () => {
    // GIVEN
    expect(run([])).toBe(0);
    workspace.write('dist/edge/mine.yaml', 'kind: ConfigMap\n');
    workspace.write('profiles/edge.yaml', 'extends: demo\n');
    const before = workspace.snapshot();

    // WHEN
    const code = run([]);

    // THEN
    expect(code).toBe(1);
    expect(output.join('')).toContain(`dist: edge exists and was not written by istio-pack (it is not listed in ${MARKER_FILE})`);
    expect(workspace.snapshot()).toEqual(before);
  });

  test('a hand-written profiles/<built-in>.yaml is never overwritten', () => {
    // GIVEN
    const mine = 'gateways:\n  enabled: false\n';
    workspace.write('profiles/demo.yaml', mine);

    // WHEN
    const code = run([]);

    // THEN
    expect(code).toBe(1);
    expect(output.join('')).toContain('profiles: demo.yaml was not written by istio-pack; the name belongs to a built-in profile');
    expect(workspace.snapshot()).toEqual({ 'profiles/demo.yaml': mine });
  });

  test('output of the version without markers is recognised by its generated headers', () => {
    // GIVEN dist/ and charts/istio as istio-pack 0.1 wrote them (no marker)
    expect(run([])).toBe(0);
    fs.rmSync(path.join(workspace.root, 'dist', MARKER_FILE));
    fs.rmSync(path.join(workspace.root, 'dist', 'helm-values'), { recursive: true });
    // (0.1 wrote no gitops/ folder either)
    const gitopsFiles = Object.keys(workspace.snapshot('dist/gitops')).map((file) => `dist/gitops/${file}`);
    fs.rmSync(path.join(workspace.root, 'dist', 'gitops'), { recursive: true });
    // (nor a console/ folder)
    fs.rmSync(path.join(workspace.root, 'dist', 'console'), { recursive: true });
    fs.rmSync(path.join(workspace.root, 'charts/istio', MARKER_FILE));
    const before = workspace.snapshot();

    // WHEN
    const code = run([]);

    // THEN
    expect(code).toBe(0);
    const after = workspace.snapshot();
    expect(Object.keys(after).filter((file) => !(file in before)).sort()).toEqual([
      `charts/istio/${MARKER_FILE}`, `dist/${MARKER_FILE}`,
      ...['ambient', 'default', 'demo', 'empty', 'minimal', 'preview', 'remote'].map((name) => `dist/helm-values/${name}.yaml`),
      ...gitopsFiles,
      'dist/console/index.html',
    ].sort());
    expect(gitopsFiles).toContain('dist/gitops/flux/gitrepository.yaml');
  });
});

describe('the same profile twice is synthesised once', () => {
  test.each([
    ['-p demo -p demo', ['-p', 'demo', '-p', 'demo'], {}],
    ['ISTIO_PACK_PROFILES=demo and -p demo', ['-p', 'demo'], { ISTIO_PACK_PROFILES: 'demo' }],
    ['-p demo,demo', ['-p', 'demo,demo'], {}],
  ])('%s writes dist/demo', (_title, args, env) => {
    // WHEN
    const code = run(args, { env });

    // THEN
    expect(code).toBe(0);
    expect(fs.readdirSync(path.join(workspace.root, 'dist/demo')).sort()).toEqual([
      'base.yaml', 'grafana.yaml', 'istio-egressgateway.yaml', 'istio-ingressgateway.yaml', 'istiod.yaml', 'jaeger.yaml', 'kiali.yaml', 'kustomization.yaml', 'namespace.yaml', 'prometheus.yaml',
    ]);
    expect(output.join('').match(/dist\/demo\//g)).toEqual(['dist/demo/']);
  });
});

describe('every output goes only where asked', () => {
  test('-o DIR writes the manifests and helm-values/ to DIR and nothing else, also from another folder', () => {
    // GIVEN
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-pack-cwd-'));
    const target = path.join(workspace.root, 'out');
    try {
      // WHEN
      const code = run(['-o', target, '-p', 'demo'], { cwd: elsewhere });

      // THEN
      expect(code).toBe(0);
      expect(fs.readdirSync(elsewhere)).toEqual([]);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
    expect(workspace.entries()).toEqual(['out']);
    expect(fs.readdirSync(target).sort()).toEqual([MARKER_FILE, 'console', 'demo', 'gitops', 'helm-values']);
  });

  test('--chart-out and --profiles-out write the chart and the built-in profiles where asked, and only them', () => {
    // WHEN
    const code = run(['--chart-out', 'build/chart', '--profiles-out', 'build/profiles']);

    // THEN
    expect(code).toBe(0);
    expect(workspace.entries()).toEqual(['build']);
    expect(fs.readdirSync(path.join(workspace.root, 'build')).sort()).toEqual(['chart', 'profiles']);
    expect(fs.readdirSync(path.join(workspace.root, 'build/chart')).sort()).toEqual(
      ['.helmignore', MARKER_FILE, 'Chart.yaml', 'README.md', 'app-readme.md', 'questions.yaml', 'templates', 'values.schema.json', 'values.yaml']);
    expect(fs.readdirSync(path.join(workspace.root, 'build/profiles')).sort()).toEqual(
      ['ambient.yaml', 'default.yaml', 'demo.yaml', 'empty.yaml', 'minimal.yaml', 'preview.yaml', 'remote.yaml']);
  });

  test('without output flags: dist/, charts/istio/ and profiles/ under the working directory', () => {
    // WHEN
    const code = run(['-p', 'minimal']);

    // THEN
    expect(code).toBe(0);
    expect(workspace.entries()).toEqual(['charts', 'dist', 'profiles']);
    expect(output.join('')).toBe([
      'istio-pack: synthesised 1 profile(s)',
      '  dist/minimal/ (3 files)',
      '  dist/helm-values/ (minimal.yaml)',
      '  charts/istio/ (Helm chart)',
      '  profiles/ (built-in profiles\' values files)',
      '',
    ].join('\n'));
  });

  test('--help names every output and flag', () => {
    // WHEN
    const code = run(['--help']);

    // THEN
    expect(code).toBe(0);
    const help = output.join('');
    for (const text of ['dist/<profile>/', 'dist/helm-values/<profile>.yaml', 'charts/istio/', 'profiles/<built-in>.yaml',
      '-o, --out DIR', '--chart-out DIR', '--profiles-out DIR', '-p, --profile NAME', '-f, --values FILE', '--crds FILE',
      'ISTIO_PACK_PROFILES', 'ISTIO_PACK_VALUES', 'ISTIO_PACK_CRDS', '1 MiB', '16 MiB', '2,000,000 nodes']) {
      expect(help).toContain(text);
    }
  });
});

describe('no absolute paths in output', () => {
  test('two checkouts at different paths give byte-identical files', () => {
    // GIVEN two checkouts with the same user profile and values file
    const other = new Workspace();
    try {
      for (const ws of [workspace, other]) {
        ws.write('profiles/edge.yaml', 'extends: demo\ngateways:\n  egress: []\n');
        ws.write('my-values.yaml', 'tracing:\n  sampling: 7\n');
      }

      // WHEN
      expect(run(['-f', 'my-values.yaml'])).toBe(0);
      expect(run(['-f', path.join(other.root, 'my-values.yaml')], { cwd: other.root })).toBe(0);

      // THEN
      const first = workspace.snapshot();
      expect(other.snapshot()).toEqual(first);
      const withPath = Object.entries(first).filter(([, content]) => content.includes(workspace.root) || content.includes(path.basename(workspace.root)));
      expect(withPath.map(([file]) => file)).toEqual([]);
      expect(first['dist/edge/kustomization.yaml']).toContain('# Profile edge: User profile profiles/edge.yaml, extending demo.');
    } finally {
      other.cleanup();
    }
  });
});

describe('--crds applies to the chart as well', () => {
  test('the chart ships the CRDs of the file, like dist/', () => {
    // GIVEN
    workspace.write('crds.yaml', [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata: { name: gateways.networking.istio.io }',
      'spec: { group: networking.istio.io, names: { kind: Gateway, plural: gateways }, scope: Namespaced, versions: [{ name: v1, served: true, storage: true, schema: { openAPIV3Schema: { type: object, x-from-my-release: yes } } }] }',
      '',
    ].join('\n'));

    // WHEN
    const code = run(['--crds', 'crds.yaml']);

    // THEN
    expect(code).toBe(0);
    const files = workspace.snapshot();
    const crdNames = (text: string) => [...text.matchAll(/kind: CustomResourceDefinition\nmetadata:\n(?:\s+.*\n)*?\s+name: (\S+)/g)].map((match) => match[1]);
    expect(crdNames(files['dist/default/base.yaml'])).toEqual(['gateways.networking.istio.io']);
    expect(crdNames(files['charts/istio/templates/base.yaml'])).toEqual(['gateways.networking.istio.io']);
    expect(files['charts/istio/templates/base.yaml']).toContain('x-from-my-release');
    expect(files['charts/istio/templates/base.yaml']).not.toContain('virtualservices');
  });
});

describe('a failed run changes nothing on disk', () => {
  /** A project with previous output and a change of values that would rewrite most files. */
  function previousOutput(): Record<string, string> {
    checkout();
    expect(run([])).toBe(0);
    workspace.write('my-values.yaml', 'tracing:\n  sampling: 3\ngateways:\n  ingress:\n    - gatewayName: ingressgateway\n      replicaCount: 2\n      autoscaleEnabled: false\n');
    return workspace.snapshot();
  }

  /** Makes `fs[method]` throw at its `n`th call from now, passing every other call through. */
  function failAt(method: 'renameSync' | 'writeFileSync', n: number): jest.SpyInstance {
    const original = fs[method] as (...args: any[]) => any;
    let calls = 0;
    return jest.spyOn(fs, method).mockImplementation(((...args: any[]) => {
      calls += 1;
      if (calls === n) throw new Error(`injected ${method} failure at call ${n}`);
      return original.apply(fs, args);
    }) as any);
  }

  /** How often a successful synth with my-values.yaml calls `fs[method]`, measured in a copy. */
  function callsOfSuccessfulRun(method: 'renameSync' | 'writeFileSync'): number {
    const copy = new Workspace();
    try {
      fs.cpSync(workspace.root, copy.root, { recursive: true });
      const spy = jest.spyOn(fs, method);
      expect(run(['-f', 'my-values.yaml'], { cwd: copy.root })).toBe(0);
      const count = spy.mock.calls.length;
      spy.mockRestore();
      return count;
    } finally {
      copy.cleanup();
    }
  }

  test.each(['renameSync', 'writeFileSync'] as const)('a %s failure at the first, second, middle and last call: every target byte-identical, no staging left', (method) => {
    // GIVEN
    const before = previousOutput();
    const total = callsOfSuccessfulRun(method);
    expect(total).toBeGreaterThan(20);

    for (const n of [...new Set([1, 2, Math.floor(total / 2), total - 1, total])]) {
      // WHEN
      const spy = failAt(method, n);
      const code = run(['-f', 'my-values.yaml']);
      spy.mockRestore();

      // THEN
      expect({ n, code, message: output.join('').includes(`injected ${method} failure at call ${n}`) }).toEqual({ n, code: 1, message: true });
      expect(workspace.snapshot()).toEqual(before);
      expect(stagingLeftovers()).toEqual([]);
      output.length = 0;
    }

    // AND the same run without the failure succeeds and changes the output
    expect(run(['-f', 'my-values.yaml'])).toBe(0);
    expect(workspace.snapshot()['dist/default/istio-ingressgateway.yaml']).toContain('replicas: 2');
  });

  test('a failure before the first output existed leaves no folder behind', () => {
    // GIVEN
    const before = checkout();

    // WHEN
    const spy = failAt('renameSync', 3);
    const code = run([]);
    spy.mockRestore();

    // THEN
    expect(code).toBe(1);
    expect(workspace.snapshot()).toEqual(before);
    expect(workspace.entries()).toEqual(['.git', 'package.json', 'profiles', 'src']);
  });

  test('invalid values refuse the run before any output folder is touched', () => {
    // GIVEN
    const before = previousOutput();
    workspace.write('bad.yaml', 'tracing:\n  sampling: 101\n');
    const spies = [jest.spyOn(fs, 'renameSync'), jest.spyOn(fs, 'mkdtempSync')];

    // WHEN
    const code = run(['-f', 'bad.yaml']);

    // THEN
    expect(code).toBe(1);
    expect(output.join('')).toMatch(/tracing\.sampling: must be 0-100, got 101[\s\S]*Nothing was written/);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    expect(workspace.snapshot()).toEqual({ ...before, 'bad.yaml': 'tracing:\n  sampling: 101\n' });
  });
});

describe('reserved profile names', () => {
  test.each(['helm-values', 'gitops', 'clusters', 'console'])('profiles/%s.yaml is refused', (name) => {
    // GIVEN
    workspace.write(`profiles/${name}.yaml`, 'extends: minimal\n');

    // WHEN
    const code = run([]);

    // THEN
    expect(code).toBe(1);
    expect(output.join('')).toContain(`profiles/${name}.yaml: profile name "${name}" is reserved for istio-pack's own outputs`);
    expect(workspace.entries()).toEqual(['profiles']);
  });
});

describe('the manifests folder can be applied as it is', () => {
  test('dist/<profile>/ holds only manifests and kustomization.yaml; the Helm values file is outside it', () => {
    // GIVEN
    workspace.write('profiles/edge.yaml', 'extends: demo\n');

    // WHEN
    expect(run(['-p', 'edge'])).toBe(0);

    // THEN
    for (const file of fs.readdirSync(path.join(workspace.root, 'dist/edge'))) {
      const documents = yaml.loadAll(fs.readFileSync(path.join(workspace.root, 'dist/edge', file), 'utf8')) as Array<Record<string, unknown>>;
      for (const document of documents) expect(Object.keys(document)).toEqual(expect.arrayContaining(['apiVersion', 'kind']));
    }
    expect(fs.existsSync(path.join(workspace.root, 'dist/helm-values/edge.yaml'))).toBe(true);
  });
});
