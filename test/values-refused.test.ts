import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderChart } from '../src/outputs/chart';
import { readValuesFiles } from '../src/outputs/inputs';
import { fromKubernetesYamlStream, toKubernetesYaml } from '../src/values/kubernetes-yaml';
import { resolveValues, ValuesError } from '../src/values/resolve';
import { BAD_VALUES } from './support/bad-values';
import { HELMS } from './support/helm';

/**
 * One validation, everywhere: every bad values file the generator refuses is refused by the chart
 * under real Helm 3 and Helm 4 as well, with a message that names the value's path — through
 * values.schema.json (each Helm words schema errors its own way) or through templates/validate.yaml
 * (which must use the generator's exact words).
 */

let workdir: string;
let chartDir: string;

beforeAll(() => {
  // GIVEN the chart as the generator writes it
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-pack-refused-'));
  chartDir = path.join(workdir, 'istio');
  for (const [file, content] of renderChart()) {
    fs.mkdirSync(path.dirname(path.join(chartDir, file)), { recursive: true });
    fs.writeFileSync(path.join(chartDir, file), content);
  }
});
afterAll(() => fs.rmSync(workdir, { recursive: true, force: true }));

/**
 * The keys along `valuePath` in `values`: keys may hold dots and slashes (label keys such as
 * kubernetes.io/os), so the path is split by walking the values, not by its punctuation.
 */
function segmentsOf(values: unknown, valuePath: string): string[] {
  const segments: string[] = [];
  let rest = valuePath;
  let current: any = values;
  while (rest !== '') {
    const index = /^\[(\d+)\]/.exec(rest);
    if (index) {
      segments.push(index[1]);
      current = current?.[Number(index[1])];
      rest = rest.slice(index[0].length).replace(/^\./, '');
      continue;
    }
    const keys = current !== null && typeof current === 'object' ? Object.keys(current) : [];
    const key = keys.filter((candidate) => rest === candidate || rest.startsWith(`${candidate}.`) || rest.startsWith(`${candidate}[`))
      .sort((a, b) => b.length - a.length)[0] ?? rest.split(/[.[]/)[0];
    segments.push(key);
    current = current?.[key];
    rest = rest.slice(key.length).replace(/^\./, '');
  }
  return segments;
}

/**
 * Does Helm's error name the value at `segments`? Helm 3 (gojsonschema) writes `a.b.0.c`, Helm 4
 * (santhosh-tekuri/jsonschema) a JSON pointer `/a/b/0/c`. Errors about a map's key (unknown or
 * malformed keys) are reported at the map, with the key named.
 */
function namesPath(error: string, segments: readonly string[]): boolean {
  const spellings = (parts: readonly string[]) => [parts.join('.'), `/${parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`];
  if (spellings(segments).some((form) => error.includes(form))) return true;
  const parent = segments.slice(0, -1);
  const key = segments[segments.length - 1];
  return parent.length > 0 && error.includes(key) && spellings(parent).some((form) => error.includes(`${form}:`) || error.includes(`'${form}'`));
}

describe.each(HELMS.map((helm) => [helm.version, helm] as const))('Helm %s refuses what the generator refuses', (_version, helm) => {
  test.each(BAD_VALUES)('%s', (title, overlay, expected) => {
    // GIVEN the generator's verdict
    const generatorError = (() => {
      try {
        resolveValues([{ source: 'bad.yaml', values: overlay }]);
        return undefined;
      } catch (error) {
        return error as ValuesError;
      }
    })();
    expect(generatorError?.issues.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([expected]);
    const issue = generatorError!.issues[0];
    const valuesFile = path.join(workdir, `${title.replace(/[^a-z0-9]+/gi, '-')}.yaml`);
    fs.writeFileSync(valuesFile, toKubernetesYaml(overlay));

    // WHEN
    const result = helm.template(chartDir, [valuesFile]);

    // THEN Helm refuses, naming the path; a rule violation is worded exactly as the generator words it
    expect(result.ok).toBe(false);
    const error = result.ok ? '' : result.error;
    if (issue.kind === 'rule') {
      expect(error).toContain(expected);
    } else {
      expect(namesPath(error, segmentsOf(overlay, issue.path))).toBe(true);
    }
    // A secret is never repeated, by the generator or by Helm
    if (title.includes('password')) {
      expect(generatorError!.message).not.toContain('supersecret');
      expect(error).not.toContain('supersecret');
    }
  });

  test('a YAML alias bomb is refused', () => {
    // GIVEN a values file whose aliases expand to millions of nodes
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 9; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const valuesFile = path.join(workdir, 'alias-bomb.yaml');
    fs.writeFileSync(valuesFile, `mesh:\n  extraConfig:\n${levels.map((line) => `    ${line}`).join('\n')}\n`);

    // WHEN
    const result = helm.template(chartDir, [valuesFile]);

    // THEN
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(/alias/i);
  });
});

describe('a profile source file given where a values file belongs', () => {
  test('is refused by the CLI and by both Helms, each saying what to use instead', () => {
    // GIVEN a user profile (with extends:) passed as a values file
    const file = path.join(workdir, 'edge.yaml');
    fs.writeFileSync(file, 'extends: demo\naddons:\n  kiali:\n    enabled: false\n');

    // WHEN / THEN the parent profile is never silently lost
    expect(() => readValuesFiles([file])).toThrow(`${file}: extends: a profile source file (extends: "demo") is not a values file: put it in profiles/ and synthesise it by name (-p)`);
    for (const helm of HELMS) {
      const result = helm.template(chartDir, [file]);
      expect(result.ok ? '' : result.error).toContain('extends: a profile source file (extends: "demo") is not a values file: its parent profile would be lost; use dist/helm-values/<profile>.yaml, which synth writes');
    }
  });
});

describe('values Helm cannot read with a path', () => {
  test.each([['.nan'], ['.inf'], ['-.Inf']])('tracing.sampling: %s is refused by the generator with the path, and by both Helms', (word) => {
    // GIVEN
    const text = `tracing:\n  sampling: ${word}\n`;
    const [overlay] = fromKubernetesYamlStream(text) as Array<Record<string, unknown>>;
    const valuesFile = path.join(workdir, `sampling-${word.replace(/\W/g, '')}.yaml`);
    fs.writeFileSync(valuesFile, text);

    // WHEN
    const attempt = () => resolveValues([{ source: 'bad.yaml', values: overlay }]);

    // THEN the generator names the path and shows the YAML word, Helm refuses the file at parse time
    expect(attempt).toThrow(`tracing.sampling: must be a finite number, got ${word.toLowerCase()}`);
    for (const helm of HELMS) {
      const result = helm.template(chartDir, [valuesFile]);
      expect(result.ok).toBe(false);
    }
  });
});
