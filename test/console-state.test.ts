import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ConsoleState, parsePath, formatPath } from '../src/console/console-state';
import { readValuesFiles } from '../src/outputs/inputs';
import { Workspace } from './support/workspace';

/**
 * The console's state without a browser: the overlay holds only differences from the profile, the
 * exports are what the CLI and Helm take, imports are read with the CLI's limits and words, and the
 * preview is what synth wrote to dist/.
 */

const REPO = path.resolve(__dirname, '..');

describe('value paths', () => {
  test.each(['gateways.ingress[1].ports[0].nodePort', 'addons.kiali.auth.basic.htpasswd', 'revisionTags[2]'])('%s parses and prints back', (text) => {
    expect(formatPath(parsePath(text))).toBe(text);
  });
});

describe('the overlay keeps only what differs from the profile', () => {
  test('a value set back to the profile\'s leaves nothing behind', () => {
    // GIVEN demo (sampling 100)
    const state = new ConsoleState('demo');
    // WHEN sampling is changed, then set back to 100
    state.setValue('tracing.sampling', 50);
    expect(state.overlay).toEqual({ tracing: { sampling: 50 } });
    expect(state.isChanged('tracing.sampling')).toBe(true);
    state.setValue('tracing.sampling', 100);
    // THEN
    expect(state.overlay).toEqual({});
    expect(state.isChanged('tracing.sampling')).toBe(false);
  });

  test('a field of a gateway makes the whole list the user\'s (lists replace, as in Helm), items reduced to their differences', () => {
    const state = new ConsoleState('default');
    state.setValue('gateways.ingress[0].replicaCount', 3);
    expect(state.overlay).toEqual({ gateways: { ingress: [{ replicaCount: 3 }] } });
    state.setValue('gateways.ingress[0].replicaCount', 1);
    expect(state.overlay).toEqual({});
  });

  test('a port of an added gateway starts from the default ports', () => {
    const state = new ConsoleState('default');
    state.addItem('gateways.ingress', { gatewayName: 'second' });
    state.setValue('gateways.ingress[1].ports[1].nodePort', 31380);
    expect((state.overlay as any).gateways.ingress[1].ports.map((port: any) => port.name)).toEqual(['status-port', 'http2', 'https']);
    expect(state.valueAt('gateways.ingress[1].ports[0].port')).toBe(15021);
    expect(state.isInNewItem('gateways.ingress[1].ports[0].port')).toBe(true);
    expect(state.check().issues).toEqual([]);
  });
});

describe('exports', () => {
  test('values.yaml of an untouched profile is the profile\'s values file; the GitOps profile extends it with nothing else', () => {
    const state = new ConsoleState('demo');
    const body = (text: string) => text.split('\n').filter((line) => !line.startsWith('#')).join('\n');
    expect(body(state.valuesYaml())).toBe(body(fs.readFileSync(path.join(REPO, 'profiles', 'demo.yaml'), 'utf8')));
    expect(yaml.load(state.profileYaml('edge'))).toEqual({ extends: 'demo' });
    state.setValue('addons.kiali.enabled', false);
    expect(yaml.load(state.profileYaml('edge'))).toEqual({ extends: 'demo', addons: { kiali: { enabled: false } } });
  });

  test.each([['console', /reserved/], ['demo', /built-in/], ['Edge', /DNS-1123/], ['edge', undefined]])('profile name %s', (name, problem) => {
    const found = new ConsoleState().profileNameProblem(name);
    if (problem) expect(found).toMatch(problem);
    else expect(found).toBeUndefined();
  });
});

describe('imports are read as the CLI reads values files', () => {
  let workspace: Workspace;
  beforeAll(() => (workspace = new Workspace()));
  afterAll(() => workspace.cleanup());

  test('dist/helm-values/demo.yaml selects demo with no change, and is exported unchanged', () => {
    const text = fs.readFileSync(path.join(REPO, 'dist', 'helm-values', 'demo.yaml'), 'utf8');
    const state = new ConsoleState();
    state.importText(text, 'demo.yaml');
    expect(state.profile.name).toBe('demo');
    expect(state.overlay).toEqual({});
    expect(state.valuesYaml()).toBe(text);
  });

  test('a profile file with extends: starts from its parent', () => {
    const state = new ConsoleState();
    state.importText('extends: minimal\ntracing: { sampling: 5 }\n', 'edge.yaml');
    expect(state.profile.name).toBe('minimal');
    expect(state.overlay).toEqual({ tracing: { sampling: 5 } });
    expect(state.profileYaml('edge')).toBe('extends: minimal\ntracing: { sampling: 5 }\n');
  });

  test('an unknown key is reported with the CLI\'s message', () => {
    const file = workspace.write('typo.yaml', 'tracing:\n  samplng: 5\n');
    const state = new ConsoleState();
    state.importText(fs.readFileSync(file, 'utf8'), file);
    const [issue] = state.check().issues;
    expect(`${issue.path}: ${issue.message}`).toBe('tracing.samplng: unknown setting (did you mean sampling?); expected one of enabled, provider, endpoint, sampling');
  });

  test('an alias bomb is refused with the words the CLI uses', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const file = workspace.write('bomb.yaml', `${lines.join('\n')}\n`);
    const cli = (() => {
      try {
        readValuesFiles([file]);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(cli).toMatch(/excessive aliasing/);
    expect(() => new ConsoleState().importText(fs.readFileSync(file, 'utf8'), file)).toThrow(cli);
  });
});

describe('preview', () => {
  test('the default profile untouched: the files of dist/default, nothing changed against the profile', () => {
    const preview = new ConsoleState('default').preview();
    const folder = path.join(REPO, 'dist', 'default');
    expect([...preview.files.keys()].sort()).toEqual(fs.readdirSync(folder).sort());
    for (const [file, text] of preview.files) expect(text).toBe(fs.readFileSync(path.join(folder, file), 'utf8'));
    expect(preview.objects.every((object) => object.status === 'unchanged')).toBe(true);
    expect(preview.removed).toEqual([]);
  });

  test('turning the ingress gateway off lists its objects as removed', () => {
    const state = new ConsoleState('default');
    state.setValue('gateways.enabled', false);
    const preview = state.preview();
    expect(preview.removed.map((object) => `${object.kind}/${object.name}`)).toEqual(expect.arrayContaining(['Deployment/istio-ingressgateway', 'Service/istio-ingressgateway']));
    expect(preview.files.has('istio-ingressgateway.yaml')).toBe(false);
  });
});
