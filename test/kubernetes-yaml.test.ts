/*
 * The serialiser against the outside: Go's sigs.k8s.io/yaml (how kubectl and the API server read
 * manifests) must read back every string exactly as it was written, over a generated corpus of YAML
 * 1.1 look-alikes (numbers in every 1.1 and Go form, booleans, nulls, timestamps, merge and value
 * keys, in several letter cases) and strings that need quoting for other reasons.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { fromKubernetesYamlStream, isYaml11NonString, toKubernetesYaml } from '../src/values/kubernetes-yaml';
import { goDecode, goDecodeFiles } from './support/go-yaml';

/** Every upper/lower-case spelling of a word (`yes`, `yeS`, ..., `YES`). */
function letterCases(word: string): string[] {
  let spellings = [''];
  for (const char of word) {
    const variants = char.toLowerCase() === char.toUpperCase() ? [char] : [char.toLowerCase(), char.toUpperCase()];
    spellings = spellings.flatMap((prefix) => variants.map((variant) => prefix + variant));
  }
  return spellings;
}

/** Numbers built from sign x base prefix x digits x fraction x exponent: YAML 1.1, YAML 1.2 and Go forms and near misses. */
function numberLookalikes(): string[] {
  const signs = ['', '+', '-'];
  const prefixes = ['', '0', '0b', '0B', '0o', '0O', '0x', '0X'];
  const digits = ['1', '17', '101', '1F', '1_0', '_1', '1_', '685_230', '99999999999999999999'];
  const fractions = ['', '.', '.5', '.15_0'];
  const exponents = ['', 'e3', 'E+3', 'e-3', 'e'];
  const result: string[] = [];
  for (const sign of signs) {
    for (const prefix of prefixes) {
      for (const digit of digits) {
        for (const fraction of fractions) {
          for (const exponent of exponents) result.push(sign + prefix + digit + fraction + exponent);
        }
      }
    }
  }
  for (const sign of signs) {
    result.push(...['.5', '._5', '.5_5', '.5e3', '.e3', '.', '1:20', '190:20:30.15', '1:2:3', '0x_1F', '0x1p-2', '1.2.3', 'Infinity', 'inf', 'NaN', 'nan']
      .map((body) => sign + body));
  }
  return result;
}

function corpus(): string[] {
  const words = ['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null', '~', '<<', '=', '.nan', '.inf', '+.inf', '-.inf', 'nil', 'none'];
  const timestamps = [
    '2001-12-14', '2001-1-2', '2001-12-14t21:59:43.10-05:00', '2001-12-14T21:59:43.10-05:00', '2001-12-14T21:59:43Z',
    '2001-12-14 21:59:43.10 -5', '2001-12-14 21:59:43.10', '2001-12-14 21:59:43.10 Z', '2001-12-14t21:59:43.10z', '20011214',
  ];
  const others = [
    '', ' ', '  leading space', 'trailing space ', 'trailing: colon', 'colon:', ':', '#hash', 'a #b', 'a# b', '- x', '-', '?', '? x',
    '[a]', '{a: 1}', '@x', '`x', '!x', '&a', '*a', '|', '>', '%x', "'q'", '"q"', 'multi\nline', 'trailing newline\n', 'two\n\nblank',
    'tab\tinside', '\tleading tab', '---', '...', 'é', 'a\u2028b', 'key: value', 'plain-text', 'x_1', 'v1.30.3', '1.30.3', '10.0.0.0/8',
    '100m', '4Gi', '0.5', '*', '{{ .Values.x }}',
  ];
  // The strings the issue found written unquoted, and their neighbours.
  const reported = ['1_000', '0x_1F', '685_230.15', '0O17', '0b101', '+12', '1e3', '.5', '1:20', '190:20:30.15'];
  return [...new Set([...words.flatMap(letterCases), ...numberLookalikes(), ...timestamps, ...others, ...reported])];
}

/** Each string as a value, a list item and a map key: each position is serialised on its own. */
function documentFor(text: string): Record<string, unknown> {
  return { value: text, list: [text], map: { [text]: text } };
}

/** JSON with map keys sorted: Go's JSON output sorts keys, so only content is compared. */
function canonical(value: unknown): string {
  const sorted = (item: unknown): unknown => {
    if (Array.isArray(item)) return item.map(sorted);
    if (item !== null && typeof item === 'object') {
      return Object.fromEntries(Object.keys(item).sort().map((key) => [key, sorted((item as Record<string, unknown>)[key])]));
    }
    return item;
  };
  return JSON.stringify(sorted(value));
}

/** Strings whose documents Go reads back differently from what was serialised. */
function misreadByGo(strings: readonly string[], serialise: (value: unknown) => string): string[] {
  const documents = strings.map(documentFor);
  const decoded = goDecode(documents.map(serialise).join('---\n'));
  expect(decoded).toHaveLength(documents.length);
  return strings.filter((_text, index) => canonical(decoded[index]) !== canonical(documents[index]));
}

describe('toKubernetesYaml', () => {
  const strings = corpus();

  test('the corpus is large and holds strings that plain js-yaml lets Go misread', () => {
    // WHEN the corpus is written with plain js-yaml (YAML 1.2 quoting)
    const misread = misreadByGo(strings, (value) => yaml.dump(value, { lineWidth: -1 }));

    // THEN Go reads some of them as numbers (the bug this serialiser fixes), so the next test can fail
    expect(strings.length).toBeGreaterThan(1500);
    expect(misread).toEqual(expect.arrayContaining(['1_000', '0x_1F', '0O17', '685_230.15', '1.15_0']));
  });

  test('Go reads every string of the corpus back as the same string (as value, list item and map key)', () => {
    // WHEN
    const misread = misreadByGo(strings, (value) => toKubernetesYaml(value));

    // THEN
    expect(misread).toEqual([]);
  });

  test('js-yaml reads the output back unchanged', () => {
    // GIVEN
    const documents = strings.map(documentFor);

    // WHEN
    const read = yaml.loadAll(documents.map((document) => toKubernetesYaml(document)).join('---\n'));

    // THEN
    expect(read).toEqual(documents);
  });

  test('isYaml11NonString holds for every plain scalar Go resolves to a non-string', () => {
    // GIVEN the corpus strings that can be written as plain scalars at all (not `-`, not ending in `:`)
    const plain = strings.filter((text) => /^[A-Za-z0-9_.:+~<=-]+$/.test(text) && text !== '-' && !text.endsWith(':'));

    // WHEN Go reads each unquoted, one file each (NaN and infinities make YAMLToJSON fail: not a string either)
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-pack-plain-scalars-'));
    const files = plain.map((text, index) => {
      const file = path.join(folder, `${index}.yaml`);
      fs.writeFileSync(file, `value: ${text}\n`);
      return file;
    });
    const decoded = goDecodeFiles(files);
    fs.rmSync(folder, { recursive: true, force: true });
    const readAsString = (index: number) => decoded[index].error === undefined && (decoded[index].documents[0] as { value: unknown }).value === plain[index];

    // THEN whatever Go does not read as that string is flagged
    expect(decoded).toHaveLength(plain.length);
    expect(plain.filter((text, index) => !readAsString(index) && !isYaml11NonString(text))).toEqual([]);
    expect(plain.filter((_text, index) => !readAsString(index)).length).toBeGreaterThan(500);
  });

  test('plain words and versions stay unquoted; no line folding; multi-line strings as literal blocks', () => {
    // GIVEN
    const long = 'x'.repeat(300);

    // WHEN
    const text = toKubernetesYaml({ name: 'istiod', version: '1.30.3', cpu: '100m', long, script: 'line 1\nline 2\n', port: 80, on: true });

    // THEN
    expect(text).toBe(`name: istiod\nversion: 1.30.3\ncpu: 100m\nlong: ${long}\nscript: |\n  line 1\n  line 2\nport: 80\n'on': true\n`);
  });

  test('keys are sorted only when asked; the same input always gives the same bytes', () => {
    expect(toKubernetesYaml({ b: 1, a: { d: 2, c: 3 } }, { sortKeys: true })).toBe('a:\n  c: 3\n  d: 2\nb: 1\n');
    expect(toKubernetesYaml({ b: 1, a: 2 })).toBe('b: 1\na: 2\n');
    expect(toKubernetesYaml({ list: ['1_000', 'x'] }, { flowLevel: 0 })).toBe("{list: ['1_000', x]}\n");
  });
});

describe('fromKubernetesYamlStream (how values, profile and CRD files are read)', () => {
  test('every plain scalar of the corpus reads as Go\'s sigs.k8s.io/yaml (Helm\'s values reader) reads it', () => {
    // GIVEN every corpus string written bare as a value and as a list item, where YAML allows it bare
    const plain = corpus().filter((text) => text !== '' && !/[\n\t:#\u2028]|^[-?:,[\]{}#&*!|>'"%@`\s]|\s$|^(---|\.\.\.)$|<</.test(text));
    expect(plain.length).toBeGreaterThan(3000);
    const documentOf = (item: string) => `value: ${item}\nlist: [${item}]\n`;

    // WHEN
    const ours = plain.map((item) => fromKubernetesYamlStream(documentOf(item))[0] as { value: unknown });
    // Go cannot turn infinities and NaN into JSON (Helm refuses such files); istio-pack reads them as
    // numbers and refuses them with the value's path (test/values-refused.test.ts).
    const nonFinite = plain.filter((_item, index) => typeof ours[index].value === 'number' && !Number.isFinite(ours[index].value));
    const finite = plain.filter((item) => !nonFinite.includes(item));
    const go = goDecode(finite.map(documentOf).join('---\n'));

    // THEN the same types and values, document by document
    expect(nonFinite.sort()).toEqual(['+.INF', '+.Inf', '+.inf', '.INF', '.Inf', '.NAN', '.NaN', '.inf', '.nan'].sort());
    const oursFinite = ours.filter((_value, index) => !nonFinite.includes(plain[index]));
    const misread = finite.filter((_item, index) => canonical(oursFinite[index]) !== canonical(go[index]));
    expect(misread).toEqual([]);
  });

  test('keys, merge keys and nulls read as Go reads them', () => {
    // GIVEN
    const text = 'base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\nk: {yes: 1, 0o17: 2, off: 3}\nnothing: ~\nempty:\nt: 2001-12-14\n';

    // WHEN / THEN
    expect(canonical(fromKubernetesYamlStream(text)[0])).toBe(canonical(goDecode(text)[0]));
    expect(fromKubernetesYamlStream(text)[0]).toEqual({
      base: { x: 1, true: 2 }, m: { x: 1, true: 3 }, k: { true: 1, 15: 2, false: 3 }, nothing: null, empty: null, t: '2001-12-14',
    });
  });
});
