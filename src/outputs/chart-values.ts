import { toKubernetesYaml } from '../values/kubernetes-yaml';
import { VALUES_STATEMENT, withDefaults } from './helm-template';
import { VALUES_VARIABLE } from '../values/template-binder';
import { childPathExpression } from '../values/rules';
import { formRank } from '../values/form-sections';
import {
  BooleanSetting,
  EnumSetting,
  FreeFormSetting,
  ListSetting,
  MapSetting,
  NumberSetting,
  ObjectSetting,
  Setting,
  StringSetting,
} from '../values/schema';

/**
 * Everything the chart derives from the values model: the commented values.yaml (the model's
 * defaults, i.e. the default profile), values.schema.json, the template that fails on cross-field
 * rules, and the values table of the chart README.
 */

/** values.yaml: every setting with its description as a comment, values = the model's defaults. */
export function valuesYaml(model: ObjectSetting<any>, header: string): string {
  const lines: string[] = [header.trimEnd(), ''];
  writeProperties(model, 0, lines);
  return `${lines.join('\n')}\n`;
}

function writeProperties(setting: ObjectSetting<any>, indent: number, lines: string[]): void {
  const pad = ' '.repeat(indent);
  for (const [key, child] of Object.entries<Setting<any>>(setting.properties)) {
    lines.push(...wrap(child.docs.description, 100 - indent).map((line) => `${pad}# ${line}`));
    if (child instanceof ObjectSetting) {
      lines.push(`${pad}${key}:`);
      writeProperties(child, indent + 2, lines);
      continue;
    }
    if (child instanceof ListSetting && child.items instanceof ObjectSetting) {
      lines.push(...itemFieldComments(child.items, pad));
    }
    const value = child.defaultValue();
    if (value === undefined) {
      lines.push(`${pad}# ${key}:`);
      continue;
    }
    const isBlock = Array.isArray(value) ? value.some((item) => typeof item === 'object') : typeof value === 'object' && Object.keys(value as object).length > 0;
    if (isBlock) {
      lines.push(`${pad}${key}:`);
      const body = toKubernetesYaml(value).trimEnd();
      for (const line of body.split('\n')) lines.push(`${pad}  ${line}`);
    } else {
      lines.push(`${pad}${key}: ${toKubernetesYaml(value, { flowLevel: 0 }).trimEnd()}`);
    }
  }
}

/** For lists of objects: one comment line per item field. */
function itemFieldComments(items: ObjectSetting<any>, pad: string): string[] {
  const lines = [`${pad}# Each item:`];
  for (const [field, setting] of Object.entries<Setting<any>>(items.properties)) {
    lines.push(`${pad}#   ${field}: ${setting.docs.description}`);
    if (setting instanceof ListSetting && setting.items instanceof ObjectSetting) {
      for (const [inner, innerSetting] of Object.entries<Setting<any>>(setting.items.properties)) {
        lines.push(`${pad}#     ${inner}: ${innerSetting.docs.description}`);
      }
    }
  }
  return lines;
}

function wrap(text: string, width: number): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    if (current !== '' && current.length + word.length + 1 > width) {
      lines.push(current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}

// ---------------------------------------------------------------------------------------------

/**
 * values.schema.json (JSON Schema draft-07), with unknown keys refused so that typos fail. Written for
 * form renderers too (OpenShift's console renders it with react-jsonschema-form): every property has
 * the model's human title, properties come in form-section order (src/values/form-sections.ts), enum
 * members that do not explain themselves are `oneOf` constants with titles, and every property has a
 * single `type` (renderers give up on type lists and on properties without one).
 */
export function valuesSchema(model: ObjectSetting<any>, extraRootProperties: Record<string, unknown>): Record<string, unknown> {
  const root = jsonSchema(model, '') as { properties: Record<string, unknown> };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...root,
    properties: { ...root.properties, ...extraRootProperties },
  };
}

function anchored(pattern: RegExp, allowEmpty: boolean): string {
  return allowEmpty ? `^(?:${pattern.source})?$` : `^(?:${pattern.source})$`;
}

/** Object keys in form order: by form section (formRank), model order between equals. */
function inFormOrder(path: string, keys: readonly string[]): string[] {
  const rank = (key: string) => formRank(path === '' ? key : `${path}.${key}`);
  return keys
    .map((key, index) => ({ key, index, rank: rank(key) }))
    .sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.index - b.index)
    .map(({ key }) => key);
}

/**
 * The schema of one setting at `path`. `withDefaults` is off inside free-form list items, which pass
 * through as written: a form must not fill in fields the user left out.
 */
function jsonSchema(setting: Setting<any>, path: string, withDefaults = true): Record<string, unknown> {
  const common = { title: setting.docs.form.title, description: setting.docs.description };
  const fallback = (value: unknown) => (withDefaults && value !== undefined ? { default: value } : {});
  if (setting instanceof ObjectSetting) {
    const properties: Record<string, unknown> = {};
    for (const key of inFormOrder(path, Object.keys(setting.properties))) {
      properties[key] = jsonSchema(setting.properties[key], path === '' ? key : `${path}.${key}`, withDefaults);
    }
    for (const key of setting.options.ignoredKeys ?? []) {
      properties[key] = { title: 'Ignored (ACK console layout)', description: 'Accepted for compatibility with the ACK console layout; has no effect.', type: 'object' };
    }
    return { ...common, type: 'object', properties, additionalProperties: false };
  }
  if (setting instanceof StringSetting) {
    const { pattern, maxLength, forbidden } = setting.options;
    return {
      ...common,
      type: 'string',
      ...fallback(setting.default),
      // A secret's pattern is checked in templates/validate.yaml: Helm 4's schema errors quote the value.
      ...(pattern && !setting.options.secret ? { pattern: anchored(pattern, setting.allowEmpty) } : {}),
      ...(setting.allowEmpty ? {} : { minLength: 1 }),
      ...(maxLength !== undefined ? { maxLength } : {}),
      ...(forbidden ? { not: { enum: [...forbidden.values] } } : {}),
    };
  }
  if (setting instanceof EnumSetting) {
    const choiceTitles = setting.docs.form.choiceTitles;
    // Titled constants where the model titles members ("" would otherwise show as a blank choice).
    const choices = choiceTitles
      ? { oneOf: setting.members.map((member) => ({ const: member, title: choiceTitles[member] ?? member })) }
      : { enum: [...setting.members] };
    return { ...common, type: 'string', ...choices, ...fallback(setting.default) };
  }
  if (setting instanceof NumberSetting) {
    const { minimum, maximum, allowZero } = setting.options;
    const bounds = {
      ...(minimum !== undefined ? { minimum: allowZero ? Math.min(0, minimum) : minimum } : {}),
      ...(maximum !== undefined ? { maximum } : {}),
    };
    // An unset optional number is left out (the model refuses an explicit null, as this schema does).
    return { ...common, type: setting.integer ? 'integer' : 'number', ...bounds, ...fallback(setting.defaultValue()) };
  }
  if (setting instanceof BooleanSetting) {
    return { ...common, type: 'boolean', ...fallback(setting.default) };
  }
  if (setting instanceof ListSetting) {
    return {
      ...common,
      type: 'array',
      items: jsonSchema(setting.items, `${path}[]`, withDefaults),
      ...fallback(setting.defaultValue()),
      ...(setting.options.uniqueItems ? { uniqueItems: true } : {}),
      ...(setting.options.minItems ? { minItems: setting.options.minItems } : {}),
    };
  }
  if (setting instanceof MapSetting) {
    const values = jsonSchema(setting.values, `${path}.*`, withDefaults);
    const defaultValue = fallback(setting.defaultValue());
    const keyPattern = setting.options.keyPattern;
    // patternProperties rather than propertyNames: both Helm versions then name the map's path in errors.
    if (keyPattern) return { ...common, type: 'object', patternProperties: { [anchored(keyPattern, false)]: values }, additionalProperties: false, ...defaultValue };
    return { ...common, type: 'object', additionalProperties: values, ...defaultValue };
  }
  if (setting instanceof FreeFormSetting) {
    if (setting.shape === 'list') return { ...common, type: 'array', items: freeListItems(setting, path), ...fallback(setting.defaultValue()) };
    // Explicit additionalProperties: renderers then offer to add keys (no schema for the values).
    return { ...common, type: 'object', additionalProperties: true, ...fallback(setting.defaultValue()) };
  }
  throw new Error(`no JSON schema for setting kind ${setting.kind}`);
}

/**
 * Items of a free-form list: with documented fields, an object of those fields (no defaults: items
 * pass through as written, refusing unknown fields as the model does); without, any map.
 */
function freeListItems(setting: FreeFormSetting<any>, path: string): Record<string, unknown> {
  const title = setting.docs.form.itemTitle ?? setting.docs.form.title;
  const fields = setting.options.itemFields;
  if (fields === undefined) return { title, type: 'object', additionalProperties: true };
  const properties: Record<string, unknown> = {};
  for (const [key, field] of Object.entries<Setting<any>>(fields)) properties[key] = jsonSchema(field, `${path}[].${key}`, false);
  return { title, type: 'object', properties, additionalProperties: false };
}

// ---------------------------------------------------------------------------------------------

/**
 * templates/validate.yaml: collects the violations of every cross-field rule of the model (and of
 * list uniqueness) and fails the render with them, worded as `resolveValues` words them.
 * `chartChecks` are statements appending errors about values only the chart can receive.
 */
export function validationTemplate(model: ObjectSetting<any>, header: string, chartChecks: readonly string[] = []): string {
  const lines: string[] = [header.trimEnd(), VALUES_STATEMENT, '{{- $errors := list }}', ...chartChecks];
  let counter = 0;
  const fresh = (prefix: string) => `$${prefix}${++counter}`;

  const walk = (setting: Setting<any>, object: string, path: string): void => {
    if (!hasRules(setting)) return;
    if (setting instanceof StringSetting) {
      lines.push(...secretPatternCheck(setting, object, path));
      return;
    }
    if (setting instanceof ObjectSetting) {
      for (const rule of setting.options.rules ?? []) lines.push(...rule.template(object, path));
      for (const [key, child] of Object.entries<Setting<any>>(setting.properties)) walk(child, `${object}.${key}`, childPathExpression(path, key));
      return;
    }
    if (setting instanceof ListSetting) {
      const index = fresh('i');
      const raw = fresh('raw');
      const item = fresh('item');
      const seen = (setting.options.uniqueBy ?? []).map((field) => ({ field, variable: fresh('seen') }));
      for (const { variable } of seen) lines.push(`{{- ${variable} := dict }}`);
      lines.push(`{{- range ${index}, ${raw} := ${object} }}`);
      const defaults = setting.items instanceof ObjectSetting ? JSON.stringify(setting.items.defaultValue()) : undefined;
      lines.push(defaults
        ? `{{- ${item} := ${withDefaults(defaults, raw)} }}`
        : `{{- ${item} := ${raw} }}`);
      const itemPath = `(printf "%s[%d]" ${path} ${index})`;
      for (const { field, variable } of seen) {
        const value = `(get ${item} ${JSON.stringify(field)})`;
        const key = `(toJson ${value})`;
        lines.push(
          `{{- if and ${value} (hasKey ${variable} ${key}) }}`,
          `{{- $errors = append $errors (printf "%s[%d].${field}: must be unique, %s is already used by %s[%v]" ${path} ${index} ${key} ${path} (get ${variable} ${key})) }}`,
          `{{- else if ${value} }}`,
          `{{- $_ := set ${variable} ${key} ${index} }}`,
          '{{- end }}',
        );
      }
      walk(setting.items, item, itemPath);
      lines.push('{{- end }}');
    }
  };
  walk(model, VALUES_VARIABLE, '""');
  lines.push('{{- if $errors }}', '{{- fail (printf "invalid values:\\n  %s" (join "\\n  " $errors)) }}', '{{- end }}');
  return `${lines.join('\n')}\n`;
}

/** The pattern check of a secret string, which values.schema.json leaves out (see jsonSchema). */
function secretPatternCheck(setting: StringSetting, value: string, path: string): string[] {
  const pattern = setting.options.pattern as RegExp;
  const anchoredPattern = `^(?:${pattern.source})$`;
  return [
    `{{- if and (kindIs "string" ${value}) ${value} (not (regexMatch ${JSON.stringify(anchoredPattern)} ${value})) }}`,
    `{{- $errors = append $errors (printf ${JSON.stringify(`%s: must be ${setting.options.patternName}, got (a value not shown: it may be a secret)`)} ${path}) }}`,
    '{{- end }}',
  ];
}

function hasRules(setting: Setting<any>): boolean {
  if (setting instanceof StringSetting) return setting.options.secret === true && setting.options.pattern !== undefined;
  if (setting instanceof ObjectSetting) {
    return (setting.options.rules ?? []).length > 0 || Object.values<Setting<any>>(setting.properties).some(hasRules);
  }
  if (setting instanceof ListSetting) return (setting.options.uniqueBy ?? []).length > 0 || hasRules(setting.items);
  return false;
}

// ---------------------------------------------------------------------------------------------

/** Markdown rows `| path | type | default | description |` for every leaf setting. */
export function valuesTable(model: ObjectSetting<any>): string {
  const rows: string[] = ['| Key | Type | Default | Description |', '|---|---|---|---|'];
  const visit = (setting: Setting<any>, path: string): void => {
    if (setting instanceof ObjectSetting) {
      for (const [key, child] of Object.entries<Setting<any>>(setting.properties)) visit(child, path === '' ? key : `${path}.${key}`);
      return;
    }
    const defaultValue = setting.defaultValue();
    const shown = defaultValue === undefined ? '' : `\`${JSON.stringify(defaultValue).replace(/\|/g, '\\|')}\``;
    const type = setting instanceof EnumSetting ? setting.members.map((m) => (m === '' ? '""' : m)).join(' \\| ') : setting.kind;
    rows.push(`| \`${path}\` | ${type} | ${shown.length > 80 ? '(see values.yaml)' : shown} | ${setting.docs.description.replace(/\|/g, '\\|')} |`);
    if (setting instanceof ListSetting && setting.items instanceof ObjectSetting) visit(setting.items, `${path}[]`);
  };
  visit(model, '');
  return rows.join('\n');
}
