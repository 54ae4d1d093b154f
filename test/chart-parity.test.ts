import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { renderChart } from '../src/outputs/chart';
import { profileValuesFile } from '../src/outputs/profile-files';
import { BUILTIN_PROFILES } from '../src/profiles/builtin-profiles';
import { goDecode } from './support/go-yaml';
import { HELMS, writeChartFolder } from './support/helm';
import { objectKey } from './support/objects';
import { KubernetesObject, objectDifferences, synthObjects } from './support/parity';
import { VALID_VALUES } from './support/valid-values';
import { generateValues } from './support/values-generator';

/**
 * Parity, judged by the tools users run: the chart rendered by real Helm 3 and Helm 4 and dist/ from
 * the generator, both read by Go's sigs.k8s.io/yaml exactly as kubectl and the API server read them,
 * must give the same objects with every string equal to the byte — ConfigMap payloads included — so
 * that switching an installation between dist/ and the chart is a no-op for `kubectl diff` and Argo CD.
 */

/** Generated values files per profile (the acceptance asks for at least 50). */
const CASES_PER_PROFILE = 50;
/** Profiles the hand-written valid corpus is rendered with. */
const CORPUS_PROFILES = ['default', 'demo', 'ambient'];

let workdir: string;
let chartDir: string;

beforeAll(() => {
  // GIVEN the chart as this code generates it, and each profile as a values overlay
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-pack-parity-'));
  chartDir = path.join(workdir, 'istio');
  writeChartFolder(chartDir, renderChart());
  for (const profile of BUILTIN_PROFILES) fs.writeFileSync(path.join(workdir, `${profile.name}.yaml`), profileValuesFile(profile));
});
afterAll(() => fs.rmSync(workdir, { recursive: true, force: true }));

/** Every object equal, strings compared exactly; the first differing field of each object is reported. */
function expectSameObjects(chart: readonly KubernetesObject[], synth: readonly KubernetesObject[]): void {
  expect(new Set(chart.map(objectKey)).size).toBe(chart.length);
  expect(new Set(synth.map(objectKey)).size).toBe(synth.length);
  expect(objectDifferences(chart, synth)).toEqual([]);
}

/** Renders with every Helm version at once (one process each, so both cores work), read by Go's decoder. */
async function renderWithEveryHelm(valueFiles: readonly string[], context: string): Promise<KubernetesObject[][]> {
  const results = await Promise.all(HELMS.map((helm) => helm.templateAsync(chartDir, valueFiles)));
  return results.map((result, index) => {
    if (!result.ok) throw new Error(`${context}${HELMS[index].name}: ${result.error}`);
    return goDecode(result.text).filter((document) => document !== null) as KubernetesObject[];
  });
}

/**
 * A values file as JSON: a YAML document that js-yaml, Helm and Go read alike (nulls included).
 * U+2028 and U+2029 are escaped: raw, they are line breaks to YAML 1.1 readers (Helm) but not to
 * YAML 1.2 readers (the generator), and JSON.stringify leaves them raw.
 */
function writeValuesFile(name: string, values: Record<string, unknown>): string {
  const file = path.join(workdir, `${name}.json.yaml`);
  const json = JSON.stringify(values, null, 2).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  fs.writeFileSync(file, `${json}\n`);
  return file;
}

describe(`the chart renders exactly what cdk8s synth writes (${HELMS.map((helm) => helm.name).join(' and ')})`, () => {
  const profiles = BUILTIN_PROFILES.map((profile) => profile.name);

  test.each(profiles)('profile %s with its own values', async (name) => {
    // WHEN
    const charts = await renderWithEveryHelm([path.join(workdir, `${name}.yaml`)], '');

    // THEN
    const synth = synthObjects(name);
    for (const chart of charts) expectSameObjects(chart, synth);
  });

  const corpus = CORPUS_PROFILES.flatMap((profile) => VALID_VALUES.map(([title, values]) => [profile, title, values] as const));

  // Both failure policies reach every validating webhook, revisioned or not (the random cases draw them too).
  const policies = profiles.flatMap((name) => (['Ignore', 'Fail'] as const).map((policy) => [name, policy] as const));
  test.each(policies)('profile %s, base.validationFailurePolicy %s with a revision', async (name, policy) => {
    // GIVEN
    const values = { base: { validationFailurePolicy: policy }, global: { revision: 'canary' } };
    const valuesFile = writeValuesFile(`values-policy-${name}-${policy}`, values);

    // WHEN
    const charts = await renderWithEveryHelm([path.join(workdir, `${name}.yaml`), valuesFile], `${policy}: `);

    // THEN
    const synth = synthObjects(name, values);
    for (const chart of charts) expectSameObjects(chart, synth);
  });

  test.each(corpus)('profile %s, %s', async (profile, title, values) => {
    // GIVEN
    const valuesFile = writeValuesFile(`corpus-${profile}-${title.replace(/[^a-z0-9]+/gi, '-')}`, values);

    // WHEN
    const charts = await renderWithEveryHelm([path.join(workdir, `${profile}.yaml`), valuesFile], `${title}: `);

    // THEN
    const synth = synthObjects(profile, values);
    for (const chart of charts) expectSameObjects(chart, synth);
  });

  const cases = profiles.flatMap((name, index) =>
    Array.from({ length: CASES_PER_PROFILE }, (_, n) => [name, 1000 * (index + 1) + n] as const));

  test.each(cases)('profile %s, generated values (seed %d)', async (name, seed) => {
    // GIVEN
    const values = generateValues(seed);
    const valuesFile = writeValuesFile(`values-${seed}`, values);

    // WHEN
    const charts = await renderWithEveryHelm([path.join(workdir, `${name}.yaml`), valuesFile], `seed ${seed}, `);

    // THEN
    const synth = synthObjects(name, values);
    for (const chart of charts) expectSameObjects(chart, synth);
  });
});

describe('configuration payloads read the same with Go\'s YAML library', () => {
  test('every ConfigMap entry that is YAML or JSON, in every corpus case, decodes with sigs.k8s.io/yaml as the generator meant it', () => {
    let checked = 0;
    for (const profile of CORPUS_PROFILES) {
      for (const [title, values] of VALID_VALUES) {
        // GIVEN the payloads as the generator built them
        const configMaps = synthObjects(profile, values).filter((object) => object.kind === 'ConfigMap' && object.data);
        for (const configMap of configMaps) {
          for (const [key, text] of Object.entries<string>(configMap.data)) {
            if (!/\.(ya?ml|json)$/.test(key) && !['mesh', 'meshNetworks', 'config', 'values'].includes(key)) continue;
            // WHEN istiod (or the addon) reads it with Go's YAML rules
            const [decoded] = goDecode(text);

            // THEN it is the data the generator serialised (JSON payloads) or wrote as YAML (the injector config)
            const intended = text.trimStart().startsWith('{') ? JSON.parse(text) : yaml.load(text);
            const where = `${profile}, ${title}: ConfigMap ${configMap.metadata.name} ${key}`;
            expect({ where, decoded }).toEqual({ where, decoded: intended });
            checked += 1;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
