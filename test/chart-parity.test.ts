import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { renderChart } from '../src/outputs/chart';
import { profileValuesFile } from '../src/outputs/profile-files';
import { renderProfile } from '../src/outputs/render-profile';
import { BUILTIN_PROFILES } from '../src/profiles/builtin-profiles';
import { HELMS, writeChartFolder } from './support/helm';
import { comparable, firstDifference, objectKey, objectsOfFiles } from './support/objects';
import { generateValues } from './support/values-generator';

/** Generated values files per profile (the acceptance asks for at least 50). */
const CASES_PER_PROFILE = 50;

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

/** Objects of `cdk8s synth` for a profile and values; the Namespace is Helm's (--create-namespace). */
function synthObjects(profileIndex: number, values?: Record<string, unknown>): Array<Record<string, any>> {
  const profile = BUILTIN_PROFILES[profileIndex];
  const rendered = renderProfile(profile, { userValues: values ? [{ source: 'generated values', values }] : [] });
  return objectsOfFiles(rendered.files, ['kustomization.yaml', 'namespace.yaml']);
}

function expectSameObjects(chart: Array<Record<string, any>>, synth: Array<Record<string, any>>): void {
  const chartByKey = new Map(chart.map((object) => [objectKey(object), comparable(object)]));
  const synthByKey = new Map(synth.map((object) => [objectKey(object), comparable(object)]));
  expect([...chartByKey.keys()].sort()).toEqual([...synthByKey.keys()].sort());
  expect(chartByKey.size).toBe(chart.length);
  const differences = [...synthByKey.entries()]
    .map(([key, object]) => [key, firstDifference(object, chartByKey.get(key))] as const)
    .filter(([, difference]) => difference !== undefined)
    .map(([key, difference]) => `${key} ${difference}`);
  expect(differences).toEqual([]);
}

/** Renders with every Helm version at once (one process each, so both cores work); throws on a failed render. */
async function renderWithEveryHelm(valueFiles: readonly string[], context: string): Promise<Array<Array<Record<string, any>>>> {
  const results = await Promise.all(HELMS.map((helm) => helm.templateAsync(chartDir, valueFiles)));
  return results.map((result, index) => {
    if (!result.ok) throw new Error(`${context}${HELMS[index].name}: ${result.error}`);
    return result.documents;
  });
}

describe(`the chart renders what cdk8s synth writes (${HELMS.map((helm) => helm.name).join(' and ')})`, () => {
  const profiles = BUILTIN_PROFILES.map((profile, index) => [profile.name, index] as const);

  test.each(profiles)('profile %s with its own values', async (name, index) => {
    // WHEN
    const charts = await renderWithEveryHelm([path.join(workdir, `${name}.yaml`)], '');

    // THEN
    const synth = synthObjects(index);
    for (const chart of charts) expectSameObjects(chart, synth);
  });

  const cases = profiles.flatMap(([name, index]) =>
    Array.from({ length: CASES_PER_PROFILE }, (_, n) => [name, index, 1000 * (index + 1) + n] as const));

  test.each(cases)('profile %s, generated values #%#', async (name, index, seed) => {
    // GIVEN
    const values = generateValues(seed);
    const valuesFile = path.join(workdir, `values-${seed}.yaml`);
    fs.writeFileSync(valuesFile, yaml.dump(values));

    // WHEN
    const charts = await renderWithEveryHelm([path.join(workdir, `${name}.yaml`), valuesFile], `seed ${seed}, `);

    // THEN
    const synth = synthObjects(index, values);
    for (const chart of charts) expectSameObjects(chart, synth);
  });
});
