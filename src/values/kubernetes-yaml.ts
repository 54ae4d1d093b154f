import * as yaml from 'js-yaml';

/*
 * The one YAML serialiser of istio-pack: manifests, values files, Chart.yaml and the static strings
 * of chart templates all go through it.
 *
 * Why not plain js-yaml: js-yaml follows YAML 1.2 and leaves `1_000`, `0x_1F` or `0O17` unquoted, but
 * Kubernetes reads manifests with sigs.k8s.io/yaml (gopkg.in/yaml.v2: YAML 1.1 rules plus Go's number
 * syntax), which turns them into numbers. So every string that a YAML 1.1 reader or Go's decoder could
 * resolve to another type is quoted. Quoting more than needed is harmless (a quoted scalar is a string
 * for every reader); quoting less sends numbers where strings belong.
 */

/** Words YAML 1.1 resolves to booleans, null, the merge key or the value key (any letter case). */
const YAML11_WORDS = new Set([
  'y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off',
  '', '~', 'null',
  '<<', '=',
  '.nan', '.inf', '+.inf', '-.inf',
]);

/** Go's integer syntax (strconv.ParseInt base 0) once underscores are dropped, as gopkg.in/yaml.v2 does. */
const GO_INTEGER = /^[-+]?(0b[01]+|0o[0-7]+|0x[0-9a-f]+|[0-9]+)$/i;
/** The float form gopkg.in/yaml.v2 accepts (its yamlStyleFloat), once underscores are dropped. */
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)(e[-+]?[0-9]+)?$/i;
/** YAML 1.1 integers: binary, octal, decimal, hexadecimal (with `_` separators). */
const YAML11_INTEGER = /^[-+]?(0b[01_]+|0[0-7_]+|0|[1-9][0-9_]*|0x[0-9a-f_]+)$/i;
/** YAML 1.1 floats (the forms PyYAML and libyaml-based readers resolve). */
const YAML11_FLOAT = /^[-+]?([0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)(e[-+]?[0-9]+)?$/i;
/** YAML 1.1 base 60 integers and floats (`1:20`, `190:20:30.15`), loosely. */
const YAML11_SEXAGESIMAL = /^[-+]?[0-9_]+(:[0-9_]+)+(\.[0-9_]*)?$/;
/** YAML 1.1 timestamps: a date, or a date and time with optional fraction and zone. */
const YAML11_TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([t]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?([ \t]*(z|[-+][0-9]{1,2}(:?[0-9]{2})?))?)?$/i;

/**
 * True when a plain (unquoted) scalar with this text would not be read as a string by a YAML 1.1
 * reader or by Go's sigs.k8s.io/yaml: a number in any YAML 1.1 or Go form, a boolean word, null,
 * a timestamp, `<<` or `=`. Letter case is ignored, so `yEs` is quoted as well.
 */
export function isYaml11NonString(text: string): boolean {
  if (YAML11_WORDS.has(text.toLowerCase())) return true;
  if (/^[-+.0-9]/.test(text)) {
    const withoutUnderscores = text.replace(/_/g, '');
    if (GO_INTEGER.test(withoutUnderscores) || GO_FLOAT.test(withoutUnderscores)) return true;
  }
  return YAML11_INTEGER.test(text)
    || YAML11_FLOAT.test(text)
    || YAML11_SEXAGESIMAL.test(text)
    || YAML11_TIMESTAMP.test(text);
}

/**
 * Used only to decide quoting: js-yaml quotes every string that an implicit type of the dump schema
 * resolves, so this type makes it quote YAML 1.1 look-alikes too. It never constructs anything.
 */
const YAML11_LOOKALIKE = new yaml.Type('tag:istio-pack.invalid,2026:yaml11-lookalike', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && isYaml11NonString(data),
});

const KUBERNETES_SCHEMA = yaml.DEFAULT_SCHEMA.extend({ implicit: [YAML11_LOOKALIKE] });

/** Options of {@link toKubernetesYaml}. */
export interface KubernetesYamlOptions {
  /** Sort map keys (payloads whose key order carries no meaning). @default false: keys as given */
  readonly sortKeys?: boolean;
  /** Nesting level from which collections are written in flow style (`[a, b]`, `{a: 1}`). @default -1: block style everywhere */
  readonly flowLevel?: number;
}

/**
 * Serialises a value as YAML that Go's sigs.k8s.io/yaml (kubectl, the API server, Helm, istiod) and
 * js-yaml both read back as the same value: every string a YAML 1.1 reader could take for a number,
 * boolean, null or timestamp is quoted. Deterministic, never folds lines (multi-line strings become
 * literal blocks), no anchors or aliases.
 */
export function toKubernetesYaml(value: unknown, options: KubernetesYamlOptions = {}): string {
  return yaml.dump(value, {
    schema: KUBERNETES_SCHEMA,
    sortKeys: options.sortKeys ?? false,
    flowLevel: options.flowLevel ?? -1,
    lineWidth: -1,
    noRefs: true,
  });
}

// ---------------------------------------------------------------------------------------------
// Reading: YAML input (values files, profile files, CRD files) read the way Helm and kubectl read it.
//
// Helm 3 and 4 read values files with sigs.k8s.io/yaml (gopkg.in/yaml.v2's scalar rules: YAML 1.1
// words, Go's number syntax); js-yaml's default schema follows YAML 1.2. Read with js-yaml's defaults,
// `enabled: yes` would be the string "yes" for istio-pack and true for Helm, `1_000` a string for one
// and 1000 for the other. The types below resolve plain scalars exactly as yaml.v2 does, so a values
// file means the same to the generator and to the chart.

/** yaml.v2's words for true and false (exact spellings only: `yEs` stays a string). */
const GO_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE']);
const GO_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE']);
const GO_NULL = new Set(['', '~', 'null', 'Null', 'NULL']);
const GO_SPECIAL_FLOATS: ReadonlyMap<string, number> = new Map([
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((word) => [word, Infinity] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((word) => [word, -Infinity] as const),
  ...['.nan', '.NaN', '.NAN'].map((word) => [word, NaN] as const),
]);
/** strconv.ParseInt(s, 0, 64) syntax: 0b/0o/0x prefixes, a leading 0 for octal, else decimal. */
const GO_PARSE_INT = /^[-+]?(0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/;
/** A number-like first character: yaml.v2 tries numbers only for these (its 'D' and 'S' hints). */
const NUMBER_START = /^[-+0-9]/;
const INT64_MIN = -(BigInt(2) ** BigInt(63));
const UINT64_MAX = BigInt(2) ** BigInt(64) - BigInt(1);

/** The integer yaml.v2 reads from a plain scalar, or undefined when it reads something else. */
function goInteger(text: string): number | undefined {
  if (!NUMBER_START.test(text)) return undefined;
  const plain = text.replace(/_/g, '');
  if (!GO_PARSE_INT.test(plain)) return undefined;
  const negative = plain.startsWith('-');
  const digits = plain.replace(/^[-+]/, '');
  const legacyOctal = /^0[0-7]+$/.test(digits);
  const magnitude = legacyOctal ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits.replace(/^0([BOX])/, (_, prefix: string) => `0${prefix.toLowerCase()}`));
  const value = negative ? -magnitude : magnitude;
  return value >= INT64_MIN && value <= UINT64_MAX ? Number(value) : undefined;
}

/** The float yaml.v2 reads from a plain scalar (that is not an integer), or undefined. */
function goFloat(text: string): number | undefined {
  const special = GO_SPECIAL_FLOATS.get(text);
  if (special !== undefined) return special;
  // A leading dot goes to strconv.ParseFloat as written: Go's literal syntax, `_` only between digits.
  if (text.startsWith('.')) return /^\.[0-9](_?[0-9])*([eE][-+]?[0-9](_?[0-9])*)?$/.test(text) ? Number(text.replace(/_/g, '')) : undefined;
  if (!NUMBER_START.test(text)) return undefined;
  const plain = text.replace(/_/g, '');
  return GO_FLOAT.test(plain) ? Number(plain) : undefined;
}

const READ_TYPES = [
  new yaml.Type('tag:yaml.org,2002:null', {
    kind: 'scalar',
    resolve: (data: string | null) => data === null || GO_NULL.has(data),
    construct: () => null,
  }),
  new yaml.Type('tag:yaml.org,2002:bool', {
    kind: 'scalar',
    resolve: (data: string | null) => data !== null && (GO_TRUE.has(data) || GO_FALSE.has(data)),
    construct: (data: string) => GO_TRUE.has(data),
  }),
  new yaml.Type('tag:yaml.org,2002:int', {
    kind: 'scalar',
    resolve: (data: string | null) => data !== null && goInteger(data) !== undefined,
    construct: (data: string) => goInteger(data),
  }),
  new yaml.Type('tag:yaml.org,2002:float', {
    kind: 'scalar',
    resolve: (data: string | null) => data !== null && goInteger(data) === undefined && goFloat(data) !== undefined,
    construct: (data: string) => goFloat(data),
  }),
  // The merge key `<<` (js-yaml merges a mapping pair whose key resolves to this tag, as yaml.v2 does).
  new yaml.Type('tag:yaml.org,2002:merge', {
    kind: 'scalar',
    resolve: (data: string | null) => data === '<<' || data === null,
  }),
];

/**
 * The schema input is read with: yaml.v2's scalar rules (no timestamps: sigs.k8s.io/yaml keeps their
 * text), merge keys (`<<`) as in yaml.v2.
 */
const KUBERNETES_READ_SCHEMA = yaml.FAILSAFE_SCHEMA.extend({ implicit: READ_TYPES });

/** Reads a YAML stream's documents as Helm and kubectl (sigs.k8s.io/yaml) read them. */
export function fromKubernetesYamlStream(text: string): unknown[] {
  return yaml.loadAll(text, undefined, { schema: KUBERNETES_READ_SCHEMA });
}
