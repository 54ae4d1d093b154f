/**
 * Kubernetes' rules for CRD schemas, for tests: the structural-schema rules of apiextensions.k8s.io/v1
 * (kubernetes.io docs, "Specifying a structural schema"), the API server's pruning of unknown fields,
 * and a conversion to JSON Schema so that ajv can validate objects the way the API server's OpenAPI
 * validator does (types, enums, required, bounds, patterns, oneOf/anyOf/not).
 */
type Schema = Record<string, any>;

const JUNCTORS = ['allOf', 'anyOf', 'oneOf', 'not'] as const;
/** Keys Kubernetes forbids inside allOf/anyOf/oneOf/not (rule 3), besides the int-or-string patterns. */
const FORBIDDEN_IN_JUNCTORS = ['description', 'type', 'default', 'additionalProperties', 'nullable', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-embedded-resource'];
/** Keys a CRD schema node may use (apiextensions.k8s.io/v1 JSONSchemaProps, without $ref/definitions/id). */
const ALLOWED_KEYS = new Set(['type', 'format', 'title', 'description', 'default', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'enum', 'maxProperties', 'minProperties', 'required',
  'items', 'allOf', 'oneOf', 'anyOf', 'not', 'properties', 'additionalProperties', 'nullable', 'example', 'externalDocs',
  'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string', 'x-kubernetes-list-map-keys',
  'x-kubernetes-list-type', 'x-kubernetes-map-type', 'x-kubernetes-validations']);
const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

/** Every violation of the structural-schema rules in `schema` (an openAPIV3Schema), as "path: problem". */
export function structuralViolations(schema: Schema): string[] {
  const problems: string[] = [];
  checkNode(schema, '', problems);
  if (schema.type !== 'object') problems.push('(root): type must be object');
  return problems;
}

function checkNode(node: Schema, where: string, problems: string[]): void {
  const at = where || '(root)';
  for (const key of Object.keys(node)) if (!ALLOWED_KEYS.has(key)) problems.push(`${at}: ${key} is not allowed in a CRD schema`);
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (node['x-kubernetes-preserve-unknown-fields'] === false) problems.push(`${at}: x-kubernetes-preserve-unknown-fields must be true or absent`);
  // Rule 1: a type everywhere, except int-or-string and preserve-unknown-fields nodes.
  if (node.type === undefined && !intOrString && !preserve) problems.push(`${at}: no type`);
  if (node.type !== undefined && !TYPES.has(node.type)) problems.push(`${at}: type ${JSON.stringify(node.type)} is not a single Kubernetes type`);
  if (intOrString && node.type !== undefined) problems.push(`${at}: x-kubernetes-int-or-string with a type`);
  if (preserve && node.type !== undefined && node.type !== 'object') problems.push(`${at}: x-kubernetes-preserve-unknown-fields on a ${node.type}`);
  if (node.properties && node.additionalProperties !== undefined) problems.push(`${at}: properties and additionalProperties together`);
  if ((node.properties || node.additionalProperties !== undefined) && node.type !== 'object') problems.push(`${at}: properties on a non-object`);
  if (node.type === 'array' && (node.items === undefined || Array.isArray(node.items))) problems.push(`${at}: an array needs one items schema`);
  if (node.items !== undefined && node.type !== 'array') problems.push(`${at}: items on a non-array`);
  if (typeof node.additionalProperties === 'boolean') problems.push(`${at}: additionalProperties must be a schema`);
  if (node.enum !== undefined) {
    const wrong = (node.enum as unknown[]).filter((value) => !matchesType(value, node.type));
    if (wrong.length > 0) problems.push(`${at}: enum values ${JSON.stringify(wrong)} are not of type ${node.type}`);
  }
  for (const required of node.required ?? []) {
    if (node.properties && !(required in node.properties)) problems.push(`${at}: required ${required} is not a property`);
  }
  for (const [name, child] of Object.entries<Schema>(node.properties ?? {})) checkNode(child, `${where}.${name}`, problems);
  if (node.items && !Array.isArray(node.items)) checkNode(node.items, `${where}[]`, problems);
  if (node.additionalProperties && typeof node.additionalProperties === 'object') checkNode(node.additionalProperties, `${where}{}`, problems);
  for (const junctor of JUNCTORS) {
    const branches = junctor === 'not' ? (node.not ? [node.not] : []) : (node[junctor] ?? []);
    branches.forEach((branch: Schema, index: number) => checkJunctorBranch(branch, node, `${at}.${junctor}[${index}]`, problems));
  }
}

/** Rules 2 and 3: value validations only, and only about fields the structural part specifies. */
function checkJunctorBranch(branch: Schema, structural: Schema, where: string, problems: string[]): void {
  for (const key of FORBIDDEN_IN_JUNCTORS) if (key in branch) problems.push(`${where}: ${key} inside a logical junctor`);
  for (const name of Object.keys(branch.properties ?? {})) {
    if (!structural.properties?.[name]) problems.push(`${where}: property ${name} is not specified outside the junctor`);
  }
  if (branch.items && !structural.items) problems.push(`${where}: items not specified outside the junctor`);
  for (const junctor of JUNCTORS) {
    const nested = junctor === 'not' ? (branch.not ? [branch.not] : []) : (branch[junctor] ?? []);
    nested.forEach((child: Schema, index: number) => checkJunctorBranch(child, structural, `${where}.${junctor}[${index}]`, problems));
  }
}

function matchesType(value: unknown, type: string | undefined): boolean {
  switch (type) {
    case 'string': return typeof value === 'string';
    case 'integer': return Number.isInteger(value);
    case 'number': return typeof value === 'number';
    case 'boolean': return typeof value === 'boolean';
    default: return true;
  }
}

/**
 * What the API server stores of a custom object: unknown fields are dropped except under
 * x-kubernetes-preserve-unknown-fields, as apiextensions-apiserver's pruning does; apiVersion, kind and
 * metadata at the root are the API server's own and never pruned by the schema.
 */
export function pruneObject(object: Record<string, unknown>, schema: Schema): Record<string, unknown> {
  const { apiVersion, kind, metadata, ...rest } = object;
  return { apiVersion, kind, metadata, ...(prune(rest, schema) as Record<string, unknown>) };
}

function prune(value: unknown, schema: Schema): unknown {
  if (Array.isArray(value)) return schema.items ? value.map((item) => prune(item, schema.items)) : value;
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (schema.properties?.[key]) result[key] = prune(child, schema.properties[key]);
    else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') result[key] = prune(child, schema.additionalProperties);
    else if (schema['x-kubernetes-preserve-unknown-fields'] === true) result[key] = child;
  }
  return result;
}

/** The schema as draft-07 JSON Schema for ajv: int-or-string as anyOf, Kubernetes extensions dropped. */
export function toJsonSchema(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-kubernetes-') || key === 'nullable' || key === 'format') continue;
    if (key === 'properties') out.properties = Object.fromEntries(Object.entries<Schema>(value).map(([name, child]) => [name, toJsonSchema(child)]));
    else if (key === 'items' || key === 'not' || (key === 'additionalProperties' && typeof value === 'object')) out[key] = toJsonSchema(value);
    else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') out[key] = (value as Schema[]).map(toJsonSchema);
    else if (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') {
      // OpenAPI v3.0 booleans become draft-07 limits
      if (value === true) out[key] = schema[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'];
    } else out[key] = value;
  }
  if (schema.exclusiveMinimum === true) delete out.minimum;
  if (schema.exclusiveMaximum === true) delete out.maximum;
  if (schema['x-kubernetes-int-or-string'] === true) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  return out;
}
