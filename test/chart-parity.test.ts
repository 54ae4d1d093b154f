import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { renderChart } from '../src/outputs/chart';
import { profileValuesFile } from '../src/outputs/profile-files';
import { renderProfile } from '../src/outputs/render-profile';
import { BUILTIN_PROFILES } from '../src/profiles/builtin-profiles';
import { ChartRenderer } from './support/helm';
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
  for (const [file, content] of renderChart()) {
    fs.mkdirSync(path.dirname(path.join(chartDir, file)), { recursive: true });
    fs.writeFileSync(path.join(chartDir, file), content);
  }
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

describe(`the chart renders what cdk8s synth writes (renderer: ${ChartRenderer.get().name})`, () => {
  const profiles = BUILTIN_PROFILES.map((profile, index) => [profile.name, index] as const);

  test.each(profiles)('profile %s with its own values', (name, index) => {
    // WHEN
    const chart = ChartRenderer.get().render(chartDir, [path.join(workdir, `${name}.yaml`)]);

    // THEN
    if (!chart.ok) throw new Error(chart.error);
    expectSameObjects(chart.documents, synthObjects(index));
  });

  // Both failure policies reach every validating webhook, revisioned or not (the random cases draw them too).
  const policies = profiles.flatMap(([name, index]) => (['Ignore', 'Fail'] as const).map((policy) => [name, index, policy] as const));
  test.each(policies)('profile %s, base.validationFailurePolicy %s with a revision', (name, index, policy) => {
    // GIVEN
    const values = { base: { validationFailurePolicy: policy }, global: { revision: 'canary' } };
    const valuesFile = path.join(workdir, `values-policy-${name}-${policy}.yaml`);
    fs.writeFileSync(valuesFile, yaml.dump(values));

    // WHEN
    const chart = ChartRenderer.get().render(chartDir, [path.join(workdir, `${name}.yaml`), valuesFile]);

    // THEN
    if (!chart.ok) throw new Error(chart.error);
    const webhooks = chart.documents.filter((doc) => doc.kind === 'ValidatingWebhookConfiguration').flatMap((doc) => doc.webhooks);
    expect(webhooks.map((webhook: any) => webhook.failurePolicy)).toEqual(webhooks.map(() => policy));
    expect(webhooks.length).toBe(name === 'empty' ? 0 : name === 'remote' ? 1 : 2);
    expectSameObjects(chart.documents, synthObjects(index, values));
  });

  const cases = profiles.flatMap(([name, index]) =>
    Array.from({ length: CASES_PER_PROFILE }, (_, n) => [name, index, 1000 * (index + 1) + n] as const));

  test.each(cases)('profile %s, generated values #%#', (name, index, seed) => {
    // GIVEN
    const values = generateValues(seed);
    const valuesFile = path.join(workdir, `values-${seed}.yaml`);
    fs.writeFileSync(valuesFile, yaml.dump(values));

    // WHEN
    const chart = ChartRenderer.get().render(chartDir, [path.join(workdir, `${name}.yaml`), valuesFile]);

    // THEN
    if (!chart.ok) throw new Error(`seed ${seed}: ${chart.error}`);
    expectSameObjects(chart.documents, synthObjects(index, values));
  });
});
