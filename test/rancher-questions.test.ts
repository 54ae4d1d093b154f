import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { renderChart } from '../src/outputs/chart';
import { VALUES_MODEL } from '../src/values/model';
import { BooleanSetting, EnumSetting, ListSetting, NumberSetting, StringSetting } from '../src/values/schema';
import { settingAt } from '../src/values/setting-paths';
import { HELMS, writeChartFolder } from './support/helm';
import { helmObjects, objectDifferences, synthObjects } from './support/parity';

/**
 * charts/istio/questions.yaml, Rancher's form: every question is a setting of the model with its type
 * and default, only keys Rancher's dashboard reads are used, and every answer a user can give, passed
 * to real Helm 3 and 4 as `--set variable=value` (how Rancher's legacy apps passed answers), renders
 * without error and exactly what the CLI synthesises with the same values, and differs from the
 * defaults' render (the answer changes something).
 */

const files = renderChart();
const questionsFile = yaml.load(files.get('questions.yaml') as string) as { questions: Question[] };

interface Question {
  variable: string;
  label: string;
  description: string;
  type: string;
  default?: string;
  group?: string;
  min?: number;
  max?: number;
  options?: string[];
  valid_chars?: string;
  show_if?: string;
  show_subquestion_if?: string;
  subquestions?: Question[];
}

/** Question keys of Rancher's format (reference console-and-gitops.md §1.2) that this file may use. */
const RANCHER_KEYS = ['variable', 'label', 'description', 'type', 'required', 'default', 'group', 'min_length', 'max_length', 'min', 'max',
  'options', 'valid_chars', 'invalid_chars', 'subquestions', 'show_if', 'show_subquestion_if'];
/** Types the dashboard renders (knownTypes, plus array[...]). */
const RANCHER_TYPES = ['string', 'multiline', 'password', 'boolean', 'enum', 'int', 'float', 'array[string]'];

/** Every question with the answers that make it visible: its parent's `true`, its show_if. */
function flatQuestions(): Array<{ question: Question; context: Record<string, string> }> {
  const out: Array<{ question: Question; context: Record<string, string> }> = [];
  for (const question of questionsFile.questions) {
    out.push({ question, context: {} });
    for (const sub of question.subquestions ?? []) {
      const context: Record<string, string> = { [question.variable]: question.show_subquestion_if! };
      if (sub.show_if) {
        const [variable, value] = sub.show_if.split('=');
        context[variable] = value;
      }
      out.push({ question: sub, context });
    }
  }
  return out;
}

/** Sample answers for free-text questions: a value a user would type, valid for the model. */
const SAMPLE_TEXT: Record<string, string> = {
  'addons.kiali.auth.basic.htpasswdSecret.name': 'kiali-users',
  'addons.kiali.auth.basic.htpasswd': `admin:$2y$05$${'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0'}`,
  'tracing.endpoint': 'otel-collector.observability.svc.cluster.local:4317',
  'trafficCapture.excludeIPRanges': '10.0.0.0/8',
  'trafficCapture.includeIPRanges': '172.16.0.0/12,192.168.0.0/16',
  'global.hub': 'registry.example.com/istio',
  'global.tag': '1.30.3-distroless',
  'mesh.accessLogFile': '/dev/stdout',
};

/** Answers a cross-field rule needs along with another answer (the form would show the same error). */
const COMPANIONS: Record<string, Record<string, string>> = {
  'addons.kiali.auth.strategy=basic': { 'addons.kiali.auth.basic.htpasswdSecret.name': 'kiali-users' },
};

/** Every answer other than the default a user can give to a question. */
function nonDefaultAnswers(question: Question): string[] {
  switch (question.type) {
    case 'boolean': return [question.default === 'true' ? 'false' : 'true'];
    case 'enum': return question.options!.filter((option) => option !== question.default);
    case 'int': return [String(Number(question.default) + 1)];
    case 'float': return ['50'];
    default: {
      const sample = SAMPLE_TEXT[question.variable];
      if (sample === undefined) throw new Error(`no sample answer for ${question.variable}`);
      return [sample];
    }
  }
}

/** An answer as Helm's --set writes it: lists in braces. */
function setArgument(question: Question | undefined, variable: string, answer: string): string {
  const type = question?.type ?? 'string';
  return type.startsWith('array[') ? `${variable}={${answer}}` : `${variable}=${answer}`;
}

/** The same answers as a values object for the CLI, typed as Helm's --set types them. */
function valuesOf(answers: Record<string, string>): Record<string, unknown> {
  const values: Record<string, any> = {};
  for (const [variable, answer] of Object.entries(answers)) {
    const question = byVariable.get(variable);
    const keys = variable.split('.');
    let node = values;
    for (const key of keys.slice(0, -1)) node = node[key] ??= {};
    let typed: unknown = answer;
    if (question?.type.startsWith('array[')) typed = answer === '' ? [] : answer.split(',');
    else if (answer === 'true' || answer === 'false') typed = answer === 'true';
    else if (/^-?[0-9]+$/.test(answer)) typed = Number(answer);
    node[keys[keys.length - 1]] = typed;
  }
  return values;
}

const byVariable = new Map(flatQuestions().map(({ question }) => [question.variable, question]));

describe('questions.yaml: each question is a setting of the model', () => {
  test('uses only keys and types Rancher reads, and groups that are the form sections', () => {
    const groups = new Set(questionsFile.questions.map((question) => question.group));
    expect([...groups]).toEqual(['Monitoring', 'Sidecar injection', 'Kiali service mesh visualization', 'Tracing analysis', 'Egress traffic control', 'Gateways', 'Advanced']);
    for (const { question } of flatQuestions()) {
      for (const key of Object.keys(question)) expect({ variable: question.variable, key, known: RANCHER_KEYS.includes(key) }).toEqual({ variable: question.variable, key, known: true });
      expect(RANCHER_TYPES).toContain(question.type);
      // Subquestions cannot nest further
      for (const sub of question.subquestions ?? []) expect(sub.subquestions).toBeUndefined();
    }
  });

  test.each(flatQuestions().map(({ question }) => [question.variable, question] as const))('%s: type, default, bounds and choices are the model\'s', (variable, question) => {
    // GIVEN
    const setting = settingAt(VALUES_MODEL, variable);

    // THEN
    expect(setting).toBeDefined();
    expect(question.label).toBe(setting!.docs.form.title);
    if (setting instanceof BooleanSetting) {
      expect([question.type, question.default]).toEqual(['boolean', String(setting.default)]);
    } else if (setting instanceof EnumSetting) {
      expect([question.type, question.options, question.default]).toEqual(['enum', setting.members, setting.default]);
    } else if (setting instanceof NumberSetting) {
      expect([question.type, question.default, question.min, question.max])
        .toEqual([setting.integer ? 'int' : 'float', String(setting.defaultValue()), setting.options.minimum, setting.options.maximum]);
    } else if (setting instanceof StringSetting) {
      expect([question.type, question.default]).toEqual([setting.options.secret ? 'password' : 'string', setting.default]);
      if (question.valid_chars) {
        const valid = new RegExp(question.valid_chars);
        expect(valid.test(question.default!)).toBe(true);
        expect(valid.test(SAMPLE_TEXT[variable] ?? question.default!)).toBe(true);
        expect(valid.test('not valid: spaces')).toBe(false);
      }
    } else if (setting instanceof ListSetting) {
      expect([question.type, question.default]).toEqual(['array[string]', (setting.defaultValue() as string[]).join(',')]);
    } else {
      throw new Error(`${variable}: a ${setting!.kind} has no Rancher question type`);
    }
  });

  test('dependent fields: Kiali login under Kiali, user fields only for basic login, tracing details under tracing', () => {
    const kiali = questionsFile.questions.find((question) => question.variable === 'addons.kiali.enabled')!;
    expect(kiali.show_subquestion_if).toBe('true');
    expect(kiali.subquestions!.map((sub) => [sub.variable, sub.show_if])).toEqual([
      ['addons.kiali.auth.strategy', undefined],
      ['addons.kiali.auth.basic.htpasswd', 'addons.kiali.auth.strategy=basic'],
      ['addons.kiali.auth.basic.htpasswdSecret.name', 'addons.kiali.auth.strategy=basic'],
    ]);
    const tracing = questionsFile.questions.find((question) => question.variable === 'tracing.enabled')!;
    expect(tracing.subquestions!.map((sub) => sub.variable)).toEqual(['tracing.provider', 'tracing.endpoint']);
  });
});

describe(`questions.yaml answers, rendered by ${HELMS.map((helm) => helm.name).join(' and ')} with --set, equal the CLI`, () => {
  let workdir: string;
  let chartDir: string;
  let defaultRender: ReturnType<typeof synthObjects>;

  beforeAll(() => {
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-pack-questions-'));
    chartDir = path.join(workdir, 'istio');
    writeChartFolder(chartDir, files);
    defaultRender = synthObjects('default');
  });
  afterAll(() => fs.rmSync(workdir, { recursive: true, force: true }));

  async function renderAnswers(answers: Record<string, string>): Promise<Array<ReturnType<typeof helmObjects>>> {
    // An empty list has no --set spelling (`x={}` is [""]): an untouched empty list is not answered.
    const extraArgs = Object.entries(answers)
      .filter(([variable, answer]) => !(answer === '' && byVariable.get(variable)?.type.startsWith('array[')))
      .flatMap(([variable, answer]) => ['--set', setArgument(byVariable.get(variable), variable, answer)]);
    const results = await Promise.all(HELMS.map((helm) => helm.templateAsync(chartDir, [], { extraArgs })));
    return results.map((result, index) => {
      if (!result.ok) throw new Error(`${HELMS[index].name} with ${extraArgs.join(' ')}: ${result.error}`);
      return helmObjects(result.text);
    });
  }

  test('every question at its default renders the defaults', async () => {
    // GIVEN every answer at its default
    const answers = Object.fromEntries(flatQuestions().map(({ question }) => [question.variable, question.default ?? '']));

    // WHEN
    const charts = await renderAnswers(answers);

    // THEN
    for (const chart of charts) expect(objectDifferences(chart, defaultRender)).toEqual([]);
  });

  const cases = flatQuestions().flatMap(({ question, context }) => nonDefaultAnswers(question).map((answer) => [`${question.variable}=${answer}`, question, context, answer] as const));

  test.each(cases)('%s', async (_title, question, context, answer) => {
    // GIVEN the answer, with the answers that show its question and those its rules need
    const answers = { ...context, [question.variable]: answer, ...COMPANIONS[`${question.variable}=${answer}`] };

    // WHEN
    const charts = await renderAnswers(answers);

    // THEN the chart renders what the CLI synthesises from the same values, which is not the default
    const synth = synthObjects('default', valuesOf(answers));
    expect(objectDifferences(synth, defaultRender)).not.toEqual([]);
    for (const chart of charts) expect(objectDifferences(chart, synth)).toEqual([]);
  });
});

describe('the chart with questions.yaml and app-readme.md', () => {
  test.each(HELMS.map((helm) => [helm.name, helm] as const))('%s lint --strict is clean', (_name, helm) => {
    const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-pack-questions-lint-'));
    try {
      writeChartFolder(path.join(workdir, 'istio'), files);
      const result = helm.lint(path.join(workdir, 'istio'));
      expect(result.output).toContain('1 chart(s) linted, 0 chart(s) failed');
      expect(result.output).not.toMatch(/\[(WARNING|ERROR)\]/);
      expect(result.ok).toBe(true);
    } finally {
      fs.rmSync(workdir, { recursive: true, force: true });
    }
  });

  test('Chart.yaml carries Rancher catalog and Artifact Hub annotations', () => {
    const chart = yaml.load(files.get('Chart.yaml') as string) as { annotations: Record<string, string>; kubeVersion: string };
    expect(chart.annotations).toMatchObject({
      'catalog.cattle.io/display-name': 'Istio (istio-pack)',
      'catalog.cattle.io/namespace': 'istio-system',
      'catalog.cattle.io/release-name': 'istio',
      'catalog.cattle.io/kube-version': chart.kubeVersion,
      'artifacthub.io/category': 'networking',
    });
    // Rancher's own Istio form would take over the chart (it writes another values layout)
    expect(chart.annotations['catalog.cattle.io/ui-component']).toBeUndefined();
    for (const value of Object.values(chart.annotations)) expect(typeof value).toBe('string');
  });
});
