#!/usr/bin/env node
/**
 * Writes src/components/crd-schemas.gen.ts: structural OpenAPI v3 schemas of the Istio CRDs' `spec`,
 * derived from @kubernetes-models/istio (a maintained package generated from Istio's own CRDs).
 *
 * The package ships its schemas only as precompiled validators (one function per schema node, every
 * check reporting `schemaPath: "#/<keyword>"`), so this script reads those functions with the
 * TypeScript parser and turns each back into the schema node it checks: types, properties, required,
 * items, maps (additionalProperties), enums, bounds, patterns, and the required-only oneOf/anyOf/not
 * constraints Istio uses for mutually exclusive fields. Anything it does not understand stops it.
 *
 * Run: npm run crd-schemas   (then npx cdk8s synth). Deterministic: same package, same file.
 * `node scripts/crd-schemas.mjs --check` only compares (the tests use it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ts = require('typescript');

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const PACKAGE_DIR = path.join(ROOT, 'node_modules', '@kubernetes-models', 'istio');
const OUTPUT = path.join(ROOT, 'src', 'components', 'crd-schemas.gen.ts');

/** The Istio release whose CRDs the package version was generated from (its package.json `crd-generate.input`). */
const SOURCE_ISTIO_RELEASE = '1.29.2';

/**
 * Where Istio 1.30.3 has fields the source release lacks (upstream facts: crd-all.gen.yaml of tags
 * 1.29.2 and 1.30.3 compared; no enum, type or required list changed). These objects keep unknown
 * fields, so the API server does not prune the newer ones. Paths are per CRD and hold for every version.
 */
const NEWER_FIELDS = {
  'authorizationpolicies.security.istio.io': ['spec.rules[].from[].source'], // trustDomains, notTrustDomains
  'telemetries.telemetry.istio.io': ['spec.tracing[]'], // disableContextPropagation
};

/** Keywords this script turns back into schema; any other keyword in a validator is an error. */
const KNOWN_KEYWORDS = new Set(['type', 'required', 'enum', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'format',
  'minItems', 'maxItems', 'minProperties', 'maxProperties', 'anyOf', 'oneOf', 'not']);
const COMPOSITIONS = new Set(['anyOf', 'oneOf', 'not']);

function fail(message) {
  throw new Error(`crd-schemas: ${message}`);
}

function checkSourceRelease() {
  const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8'));
  const inputs = pkg['crd-generate']?.input ?? [];
  const crdAll = inputs.find((url) => url.endsWith('/crd-all.gen.yaml'));
  if (!crdAll || !crdAll.includes(`/istio/istio/${SOURCE_ISTIO_RELEASE}/`)) {
    fail(`@kubernetes-models/istio ${pkg.version} is generated from ${crdAll}, not Istio ${SOURCE_ISTIO_RELEASE}: compare that release's CRDs with 1.30's and update NEWER_FIELDS and SOURCE_ISTIO_RELEASE`);
  }
  return pkg.version;
}

/** One parsed validator module: its functions by name, enum constants and the root function. */
function parseModule(file) {
  const text = fs.readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const functions = new Map();
  const constants = new Map();
  let root;
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) functions.set(statement.name.text, statement);
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const name = declaration.name.getText(source);
        const init = declaration.initializer;
        if (name === 'validate' && init && ts.isIdentifier(init)) root = init.text;
        else if (init && ts.isArrayLiteralExpression(init)) constants.set(name, literalValue(init, constants));
      }
    }
  }
  if (!root) fail(`${file}: no exported validate function`);
  return { source, functions, constants, root, file };
}

function literalValue(node, constants) {
  if (ts.isStringLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) return -literalValue(node.operand, constants);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isArrayLiteralExpression(node)) return node.elements.map((element) => literalValue(element, constants));
  if (ts.isIdentifier(node) && constants.has(node.text)) return constants.get(node.text);
  fail(`unsupported literal ${node.getText()}`);
}

function objectProperty(node, key) {
  const property = node.properties.find((p) => ts.isPropertyAssignment(p) && p.name.getText() === key);
  return property?.initializer;
}

/** What one validator function checks. */
function analyse(module, name, cache) {
  if (cache.has(name)) return cache.get(name);
  const fn = module.functions.get(name);
  if (!fn) fail(`${module.file}: missing function ${name}`);
  const result = { name, types: [], required: [], properties: [], items: undefined, additional: undefined, checks: {}, compositions: [] };
  const dataCalls = [];
  const compositionErrors = [];

  const visit = (node) => {
    if (ts.isObjectLiteralExpression(node)) {
      const keyword = objectProperty(node, 'keyword');
      const schemaPath = objectProperty(node, 'schemaPath');
      if (keyword && schemaPath && ts.isStringLiteral(keyword)) {
        recordError(module, result, keyword.text, schemaPath.text, objectProperty(node, 'params'), node.getStart(), compositionErrors);
      }
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && /^validate\d+$/.test(node.expression.text) && node.arguments.length > 0) {
      recordCall(result, node, dataCalls);
    }
    ts.forEachChild(node, visit);
  };
  visit(fn.body);

  // A call that validates `data` itself is a branch of the composition whose error follows it; with no
  // such error it is a part of an allOf.
  const allOf = [];
  for (const call of dataCalls) {
    const owner = compositionErrors.find((error) => error.position > call.position);
    if (owner) owner.branches.push(call.callee);
    else allOf.push({ keyword: 'allOf', branches: [call.callee] });
  }
  result.compositions = [...compositionErrors.map(({ keyword, branches }) => ({ keyword, branches })), ...allOf];
  cache.set(name, result);
  return result;
}

function recordError(module, result, keyword, schemaPath, params, position, compositionErrors) {
  if (schemaPath !== `#/${keyword}`) fail(`${module.file}: ${result.name}: unexpected schemaPath ${schemaPath}`);
  if (!KNOWN_KEYWORDS.has(keyword)) fail(`${module.file}: ${result.name}: unsupported keyword ${keyword}`);
  const param = (key) => {
    const value = params && ts.isObjectLiteralExpression(params) ? objectProperty(params, key) : undefined;
    if (!value) fail(`${module.file}: ${result.name}: ${keyword} without params.${key}`);
    return literalValue(value, module.constants);
  };
  switch (keyword) {
    case 'type': result.types.push(...[param('type')].flat()); break;
    case 'required': result.required.push(param('missingProperty')); break;
    case 'enum': result.checks.enum = param('allowedValues'); break;
    case 'pattern': result.checks.pattern = param('pattern'); break;
    case 'format': break; // formats are the package's own (ajv) names; the API server ignores unknown ones anyway
    case 'minimum':
    case 'maximum': {
      result.checks[keyword] = param('limit');
      const comparison = param('comparison');
      if (comparison === '>' || comparison === '<') result.checks[keyword === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'] = true;
      break;
    }
    default:
      if (COMPOSITIONS.has(keyword)) compositionErrors.push({ keyword, position, branches: [] });
      else result.checks[keyword] = param('limit');
  }
}

function recordCall(result, call, dataCalls) {
  const callee = call.expression.text;
  const subject = call.arguments[0];
  if (ts.isIdentifier(subject) && subject.text === 'data') {
    dataCalls.push({ callee, position: call.getStart() });
  } else if (ts.isPropertyAccessExpression(subject) && subject.expression.getText() === 'data') {
    result.properties.push([subject.name.text, callee]);
  } else if (ts.isElementAccessExpression(subject) && subject.expression.getText() === 'data') {
    const index = subject.argumentExpression;
    if (ts.isStringLiteral(index)) result.properties.push([index.text, callee]);
    else if (ts.isIdentifier(index) && /^i\d+$/.test(index.text)) result.items = callee;
    else if (ts.isIdentifier(index) && /^key\d+$/.test(index.text)) result.additional = callee;
    else fail(`unsupported subject ${subject.getText()}`);
  } else {
    fail(`unsupported subject ${subject.getText()}`);
  }
}

/** The structural schema of a validator function; `where` is the field path, for NEWER_FIELDS. */
function buildSchema(context, name, where) {
  const a = analyse(context.module, name, context.cache);
  const types = [...new Set(a.types)];
  if (types.length === 0 && (a.properties.length > 0 || a.additional)) types.push('object');
  if (types.length === 0 && a.items) types.push('array');
  if (types.length > 1) fail(`${context.module.file}: ${where}: several types ${types}`);
  const schema = {};
  if (types.length === 0) {
    if (isIntOrString(context, a)) schema['x-kubernetes-int-or-string'] = true;
    else schema['x-kubernetes-preserve-unknown-fields'] = true;
    return schema;
  }
  const type = types[0];
  schema.type = type;
  if (type === 'object') {
    if (a.properties.length > 0) {
      schema.properties = {};
      for (const [property, callee] of a.properties) schema.properties[property] = buildSchema(context, callee, `${where}.${property}`);
      if (a.required.length > 0) schema.required = [...a.required];
      if (context.newerFields.includes(where)) {
        schema['x-kubernetes-preserve-unknown-fields'] = true;
        context.preserved.push(where);
      }
    } else if (a.additional) {
      schema.additionalProperties = buildSchema(context, a.additional, `${where}{}`);
    } else {
      // google.protobuf.Struct and the like: free-form, as upstream.
      schema['x-kubernetes-preserve-unknown-fields'] = true;
    }
  }
  if (type === 'array') {
    schema.items = a.items ? buildSchema(context, a.items, `${where}[]`) : { 'x-kubernetes-preserve-unknown-fields': true };
  }
  for (const key of ['enum', 'minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'minProperties', 'maxProperties']) {
    if (a.checks[key] !== undefined) schema[key] = a.checks[key];
  }
  const constraints = a.compositions.map((composition) => constraintOf(context, composition));
  if (constraints.every((constraint) => constraint !== undefined) && constraints.length > 0) {
    if (constraints.length === 1) Object.assign(schema, constraints[0]);
    else schema.allOf = constraints;
  } else if (constraints.length > 0) {
    context.dropped.push(where);
  }
  return schema;
}

/** int-or-string: an untyped node whose anyOf/oneOf branches are exactly `integer` and `string`. */
function isIntOrString(context, a) {
  if (a.compositions.length !== 1 || a.properties.length > 0 || a.items || a.additional) return false;
  const branchTypes = a.compositions[0].branches.map((branch) => {
    const b = analyse(context.module, branch, context.cache);
    return b.properties.length === 0 && !b.items && !b.additional && b.compositions.length === 0 ? b.types.join() : '?';
  });
  return a.compositions[0].keyword !== 'not' && [...branchTypes].sort().join() === 'integer,string';
}

/**
 * A composition kept only when every branch is a value validation made of `required`, `not`, `anyOf`
 * and `oneOf` (what Kubernetes allows inside them and what Istio uses for mutually exclusive fields).
 */
function constraintOf(context, composition) {
  const branches = composition.branches.map((branch) => requiredOnly(context, branch));
  if (branches.some((branch) => branch === undefined) || branches.length === 0) return undefined;
  if (composition.keyword === 'not' || composition.keyword === 'allOf') {
    if (branches.length !== 1) return undefined;
    return composition.keyword === 'not' ? { not: branches[0] } : branches[0];
  }
  return { [composition.keyword]: branches };
}

function requiredOnly(context, name) {
  const a = analyse(context.module, name, context.cache);
  if (a.types.length > 0 || a.properties.length > 0 || a.items || a.additional || Object.keys(a.checks).length > 0) return undefined;
  const schema = {};
  if (a.required.length > 0) schema.required = [...a.required];
  for (const composition of a.compositions) {
    const constraint = constraintOf(context, composition);
    if (!constraint) return undefined;
    Object.assign(schema, constraint);
  }
  return Object.keys(schema).length > 0 ? schema : undefined;
}

function stableJson(value, indent = '') {
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item !== 'object' || item === null)) return JSON.stringify(value);
    return `[\n${value.map((item) => `${indent}  ${stableJson(item, `${indent}  `)}`).join(',\n')},\n${indent}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([key, item]) => `${indent}  ${JSON.stringify(key)}: ${stableJson(item, `${indent}  `)}`).join(',\n')},\n${indent}}`;
  }
  return JSON.stringify(value);
}

function main() {
  const version = checkSourceRelease();
  const files = fs.readdirSync(path.join(PACKAGE_DIR, '_schemas')).filter((file) => /IstioIo.*\.js$/.test(file) && !file.startsWith('Install')).sort();
  const schemas = {};
  const versions = {};
  const report = [];
  const specRequired = new Set();
  for (const file of files) {
    const match = /^([A-Z][a-z]+)IstioIo(V\d+(?:alpha|beta)?\d*)([A-Za-z]+)\.js$/.exec(file);
    if (!match) fail(`unexpected file name ${file}`);
    const [, groupWord, apiVersion, kind] = match;
    const group = `${groupWord.toLowerCase()}.istio.io`;
    const module = parseModule(path.join(PACKAGE_DIR, '_schemas', file));
    const rootAnalysis = analyse(module, module.root, new Map());
    const specFunction = rootAnalysis.properties.find(([property]) => property === 'spec')?.[1];
    if (!specFunction) fail(`${file}: no spec`);
    const crdKey = `${kind}.${group}`;
    const context = { module, cache: new Map(), newerFields: NEWER_FIELDS[crdName(kind, group)] ?? [], preserved: [], dropped: [] };
    const spec = buildSchema(context, specFunction, 'spec');
    for (const where of context.newerFields) if (!context.preserved.includes(where)) fail(`${file}: NEWER_FIELDS path ${where} not found`);
    const text = JSON.stringify(spec);
    const existing = Object.entries(schemas).find(([key, schema]) => key.startsWith(`${crdKey}@`) && JSON.stringify(schema) === text);
    const key = existing ? existing[0] : `${crdKey}@${apiVersion.toLowerCase()}`;
    if (!existing) schemas[key] = spec;
    versions[`${crdName(kind, group)}/${apiVersion.toLowerCase()}`] = key;
    if (rootAnalysis.required.includes('spec')) specRequired.add(crdName(kind, group));
    report.push(`${file}: ${text.length} bytes${existing ? ` (same as ${key})` : ''}${context.dropped.length ? `, constraints dropped at ${context.dropped.join(' ')}` : ''}`);
  }
  const sortedVersions = Object.fromEntries(Object.entries(versions).sort(([a], [b]) => a.localeCompare(b)));
  const out = [
    '/* eslint-disable */',
    `// Generated by scripts/crd-schemas.mjs from @kubernetes-models/istio ${version} (Istio ${SOURCE_ISTIO_RELEASE} CRDs).`,
    '// Do not edit: run `npm run crd-schemas`.',
    '',
    `/** The package and Istio release the schemas come from. */`,
    `export const CRD_SCHEMA_SOURCE = ${JSON.stringify({ package: '@kubernetes-models/istio', version, istio: SOURCE_ISTIO_RELEASE })};`,
    '',
    '/** Structural schema of `spec` by schema key. */',
    `export const CRD_SPEC_SCHEMAS: Readonly<Record<string, Record<string, unknown>>> = ${stableJson(schemas)};`,
    '',
    '/** CRDs whose objects must have a `spec`. */',
    `export const CRD_SPEC_REQUIRED: readonly string[] = ${JSON.stringify([...specRequired].sort())};`,
    '',
    '/** Schema key of each CRD version, `<plural>.<group>/<version>`. */',
    `export const CRD_SPEC_SCHEMA_OF: Readonly<Record<string, string>> = ${stableJson(sortedVersions)};`,
    '',
  ].join('\n');
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(OUTPUT) ? fs.readFileSync(OUTPUT, 'utf8') : '';
    if (current !== out) fail(`${path.relative(ROOT, OUTPUT)} is stale: run npm run crd-schemas`);
    console.log(`${path.relative(ROOT, OUTPUT)} is up to date`);
    return;
  }
  fs.writeFileSync(OUTPUT, out);
  for (const line of report) console.log(line);
  console.log(`wrote ${path.relative(ROOT, OUTPUT)} (${out.length} bytes)`);
}

/** metadata.name of the CRD of `kind` in `group` (Istio's plurals). */
function crdName(kind, group) {
  const lower = kind.toLowerCase();
  const plural = /[^aeiou]y$/.test(lower) ? `${lower.slice(0, -1)}ies` : `${lower}s`;
  return `${plural}.${group}`;
}

main();
