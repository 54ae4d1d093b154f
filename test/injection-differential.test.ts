/*
 * Differential check of the injection templates against upstream Istio 1.30.3: for every case of
 * test/fixtures/injection-differential/cases.json (pods for the sidecar, gateway, grpc-agent and
 * grpc-simple templates; Gateways for kube-gateway and waypoint), istio-pack's templates, rendered
 * from the generated injector ConfigMap with the values the case sets, must produce the same init
 * and regular containers as upstream's templates did with the equivalent upstream values. The
 * upstream side is recorded facts (upstream-1.30.3-containers.json, written by
 * test/tools/upstream-injection/record.js), so the check runs without network.
 *
 * Containers are compared whole, after one normalisation: env values that pilot-agent parses as
 * JSON (PROXY_CONFIG, ISTIO_META_POD_PORTS) are compared parsed, since upstream prints them
 * indented over several lines and istio-pack on one.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { buildInjectorConfig, buildInjectorValues } from '../src/components/injection-templates';
import { injectionValues } from '../src/components/istiod';
import { ConcreteBinder } from '../src/values/binder';
import { mergeValues, resolveValues } from '../src/values/resolve';
import { InjectRenderer, buildInjectRenderer } from './support/inject-render';

jest.setTimeout(120000);

const FIXTURES = path.join(__dirname, 'fixtures', 'injection-differential');

interface DifferentialCase {
  readonly name: string;
  readonly template: string;
  readonly input?: 'sidecar' | 'deployment';
  readonly ambient?: boolean;
  readonly data?: Readonly<Record<string, unknown>>;
  readonly values: { readonly istioPack: Readonly<Record<string, unknown>>; readonly upstream: Readonly<Record<string, unknown>> };
}

interface CasesFile {
  readonly bases: {
    readonly sidecar: Readonly<Record<string, unknown>>;
    readonly deployment: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  };
  readonly cases: readonly DifferentialCase[];
}

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly [field: string]: unknown;
}

interface Container {
  readonly name: string;
  readonly env?: readonly EnvVar[];
  readonly [field: string]: unknown;
}

interface Containers {
  readonly initContainers: readonly Container[];
  readonly containers: readonly Container[];
}

const CASES = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'cases.json'), 'utf8')) as CasesFile;
const UPSTREAM = (JSON.parse(fs.readFileSync(path.join(FIXTURES, 'upstream-1.30.3-containers.json'), 'utf8')) as {
  readonly cases: Readonly<Record<string, Containers>>;
}).cases;

/** Env entries whose value pilot-agent decodes as JSON: compared as data, not as text. */
const JSON_ENV = new Set(['PROXY_CONFIG', 'ISTIO_META_POD_PORTS']);

function normalizeContainer(c: Container): Container {
  if (c.env === undefined) {
    return c;
  }
  const env = c.env.map((e) => (JSON_ENV.has(e.name) && e.value !== undefined ? { ...e, value: JSON.parse(e.value) as string } : e));
  return { ...c, env };
}

function normalize(containers: Containers): Containers {
  return {
    initContainers: containers.initContainers.map(normalizeContainer),
    containers: containers.containers.map(normalizeContainer),
  };
}

/**
 * Upstream's `grpc-simple` writes ISTIO_NAMESPACE as a YAML literal block, so the value ends in a
 * newline that lands inside the bootstrap's server URI; istio-pack writes the bare namespace
 * (a deliberate difference, see grpc-simple-template.ts). The expectation is adjusted for it alone.
 */
function withAcceptedDifferences(name: string, expected: Containers): Containers {
  const c = CASES.cases.find((item) => item.name === name);
  if (c?.template !== 'grpc-simple') {
    return expected;
  }
  const fixInit = (container: Container): Container => ({
    ...container,
    env: container.env?.map((e) => (e.name === 'ISTIO_NAMESPACE' && e.value !== undefined ? { ...e, value: e.value.replace(/\n$/, '') } : e)),
  });
  return { ...expected, initContainers: expected.initContainers.map(fixInit) };
}

let renderer: InjectRenderer;

beforeAll(() => {
  renderer = buildInjectRenderer();
});

afterAll(() => {
  renderer?.dispose();
});

/** Renders a case with istio-pack's injector ConfigMap and returns its containers. */
function renderIstioPack(c: DifferentialCase): Containers {
  const values = injectionValues(resolveValues([{ source: `case "${c.name}"`, values: c.values.istioPack }]));
  const binder = new ConcreteBinder();
  const input = c.input ?? 'sidecar';
  const base = input === 'deployment' ? CASES.bases.deployment[c.template] : CASES.bases.sidecar;
  const request = {
    input,
    ambient: c.ambient ?? false,
    config: buildInjectorConfig(binder, values),
    values: buildInjectorValues(binder, values),
    data: mergeValues(base, c.data ?? {}),
    ...(input === 'deployment' ? {} : { templateName: c.template }),
  };
  const stdout = renderer.run(request);
  if (input === 'deployment') {
    const result = JSON.parse(stdout) as { readonly rendered: string };
    const deployment = yaml.loadAll(result.rendered).find((d) => (d as { kind?: string } | null)?.kind === 'Deployment') as {
      readonly spec: { readonly template: { readonly spec: Partial<Containers> } };
    };
    const spec = deployment.spec.template.spec;
    return { initContainers: spec.initContainers ?? [], containers: spec.containers ?? [] };
  }
  const overlay = yaml.load(stdout) as { readonly spec: Partial<Containers> };
  return { initContainers: overlay.spec.initContainers ?? [], containers: overlay.spec.containers ?? [] };
}

describe('injection templates against upstream Istio 1.30.3', () => {
  test('the recorded facts cover every case, and every template istio-pack carries', () => {
    // GIVEN the cases and the recorded upstream containers
    const names = CASES.cases.map((c) => c.name);

    // THEN each case has its facts, names are unique, and each carried template is exercised
    expect(Object.keys(UPSTREAM).sort()).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
    expect([...new Set(CASES.cases.map((c) => c.template))].sort()).toEqual(['gateway', 'grpc-agent', 'grpc-simple', 'kube-gateway', 'sidecar', 'waypoint']);
  });

  test.each(CASES.cases.map((c) => [c.template, c.name, c] as const))('%s: %s', (_template, name, c) => {
    // GIVEN a case and the containers upstream's templates produced for it
    const expected = withAcceptedDifferences(name, UPSTREAM[name]);

    // WHEN istio-pack's generated injector renders the same case
    const actual = renderIstioPack(c);

    // THEN the init and regular containers are the same, whole
    expect(normalize(actual)).toEqual(normalize(expected));
  });
});
