/**
 * The one text format of configuration payloads (ConfigMap entries such as istiod's mesh config, the
 * injector's config and values, the addons' config files): JSON laid out exactly as Go's
 * `json.MarshalIndent(v, "", "  ")` writes it, which is what sprig's `toPrettyJson` produces in the
 * Helm chart. dist/ and the chart therefore carry byte-identical payloads, and every reader of them
 * (istiod, Prometheus, Grafana, Jaeger, Kiali: YAML parsers all) reads JSON as the same YAML.
 *
 * What Go does and JavaScript's JSON.stringify does not, reproduced here:
 * - map keys sorted by their UTF-8 bytes (JavaScript objects would put integer-like keys first);
 * - `<`, `>`, `&`, U+2028 and U+2029 escaped as \u003c, \u003e, \u0026, \u2028, \u2029.
 * Numbers agree already: both print the shortest round-trip form, with exponents below 1e-6 and from
 * 1e21 on (`1e-7`, `1e+21`).
 */
export function goPrettyJson(value: unknown): string {
  return write(value, '');
}

const GO_ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** A string as Go's encoding/json writes it. */
export function goJsonString(text: string): string {
  return JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (character) => GO_ESCAPES[character]);
}

const UTF8 = new TextEncoder();

/**
 * Compares strings by their UTF-8 bytes, the order Go sorts map keys in. TextEncoder rather than
 * Buffer: the console runs this code in the browser.
 */
export function compareUtf8(a: string, b: string): number {
  const [x, y] = [UTF8.encode(a), UTF8.encode(b)];
  const length = Math.min(x.length, y.length);
  for (let i = 0; i < length; i++) {
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return x.length - y.length;
}

function write(value: unknown, indent: string): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as JSON`);
    return JSON.stringify(value);
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => `${inner}${write(item, inner)}`).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value).filter((key) => (value as Record<string, unknown>)[key] !== undefined).sort(compareUtf8);
    if (keys.length === 0) return '{}';
    const entries = keys.map((key) => `${inner}${goJsonString(key)}: ${write((value as Record<string, unknown>)[key], inner)}`);
    return `{\n${entries.join(',\n')}\n${indent}}`;
  }
  throw new Error(`cannot write a ${typeof value} as JSON`);
}
