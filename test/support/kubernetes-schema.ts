/*
 * Validates generated manifest objects against the Kubernetes OpenAPI schemas shipped by
 * kubernetes-models 4.5.1 (CommonJS) and, for Istio custom resources, @kubernetes-models/istio 3.0.1
 * (ESM-only, loaded with a real dynamic import: see loadIstioModels()).
 *
 * The OpenAPI schemas check types, required fields and enums but not the API server's range rules,
 * so a few of those (port numbers and port names) are checked here as well; see apiServerRuleErrors().
 */
import { MutatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1/MutatingWebhookConfiguration';
import { ValidatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { EndpointSlice } from 'kubernetes-models/discovery.k8s.io/v1/EndpointSlice';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { importEsm } from './import-esm';

/** A kubernetes-models class: constructed from a plain object, `validate()` throws when invalid. */
export interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: any): { validate(): void };
}

/** Models keyed by {@link gvkKey}. */
export type ModelTable = ReadonlyMap<string, ModelClass>;

/** Key of a model table: `apps/v1, Kind=Deployment` (the Kubernetes GroupVersionKind spelling). */
export function gvkKey(apiVersion: string, kind: string): string {
  return `${apiVersion}, Kind=${kind}`;
}

function modelTable(models: readonly ModelClass[]): Map<string, ModelClass> {
  return new Map(models.map((model) => [gvkKey(model.apiVersion, model.kind), model]));
}

/**
 * Every core Kubernetes apiVersion/kind the generator emits (or is about to emit). Keys come from the
 * classes' own static apiVersion/kind, so a wrong import cannot silently register the wrong schema.
 */
export const KUBERNETES_MODELS: ModelTable = modelTable([
  // Emitted today.
  Namespace,
  CustomResourceDefinition,
  ServiceAccount,
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
  ConfigMap,
  Service,
  Deployment,
  HorizontalPodAutoscaler,
  PodDisruptionBudget,
  MutatingWebhookConfiguration,
  ValidatingWebhookConfiguration,
  EndpointSlice,
  // Coming soon.
  DaemonSet,
  Secret,
  PersistentVolumeClaim,
  NetworkPolicy,
]);

/** True for apiVersions of an Istio API group (`networking.istio.io/v1`, `security.istio.io/v1`, …). */
export function isIstioApiVersion(apiVersion: string): boolean {
  const slash = apiVersion.indexOf('/');
  return slash > 0 && apiVersion.slice(0, slash).endsWith('.istio.io');
}

// ---------------------------------------------------------------------------------------------
// Istio models (ESM-only package)
// ---------------------------------------------------------------------------------------------


/** The package root: re-exports every group (`networkingIstioIo`, …) and, in each, every version namespace. */
const ISTIO_MODELS_ENTRY = '@kubernetes-models/istio';

let istioModelsPromise: Promise<ModelTable> | undefined;

/**
 * Loads every model class of @kubernetes-models/istio (networking, security, telemetry, extensions and
 * install groups, all versions) into a table for {@link validateKubernetesObject}. Memoised.
 * @throws Error naming the missing `--experimental-vm-modules` flag when jest cannot import ESM.
 */
export function loadIstioModels(): Promise<ModelTable> {
  istioModelsPromise ??= importIstioModels();
  return istioModelsPromise;
}

async function importIstioModels(): Promise<ModelTable> {
  let root: Record<string, unknown>;
  try {
    root = await importEsm(ISTIO_MODELS_ENTRY);
  } catch (error: any) {
    istioModelsPromise = undefined;
    const hint = error?.code === 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG'
      ? ' (run jest with NODE_OPTIONS=--experimental-vm-modules)'
      : '';
    throw new Error(`Cannot import ${ISTIO_MODELS_ENTRY}${hint}: ${error?.message ?? error}`);
  }
  const models: ModelClass[] = [];
  collectModels(root, models, new Set());
  if (models.length === 0) throw new Error(`${ISTIO_MODELS_ENTRY} exported no model classes`);
  return modelTable(models);
}

/** Walks nested namespace objects (group → version → class) and collects every model class. */
function collectModels(namespace: Record<string, unknown>, into: ModelClass[], seen: Set<unknown>): void {
  if (seen.has(namespace)) return;
  seen.add(namespace);
  for (const value of Object.values(namespace)) {
    if (isModelClass(value)) {
      if (!into.includes(value)) into.push(value);
    } else if (value !== null && typeof value === 'object') {
      collectModels(value as Record<string, unknown>, into, seen);
    }
  }
}

function isModelClass(value: unknown): value is ModelClass {
  return typeof value === 'function'
    && typeof (value as any).apiVersion === 'string'
    && typeof (value as any).kind === 'string'
    && typeof (value as any).prototype?.validate === 'function';
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/** `apps/v1 Deployment istio-system/istiod`: how errors and tests name an object. */
export function describeObject(object: unknown): string {
  const o = (object ?? {}) as Record<string, any>;
  const name = o.metadata?.name ?? '<unnamed>';
  const qualified = o.metadata?.namespace ? `${o.metadata.namespace}/${name}` : name;
  return `${o.apiVersion ?? '<no apiVersion>'} ${o.kind ?? '<no kind>'} ${qualified}`;
}

/**
 * Validates one manifest object and returns its errors (empty when valid). Errors are
 * `<JSON pointer> <message>`, e.g. `/spec/replicas must be integer`.
 *
 * - Core kinds are validated with the kubernetes-models class for their apiVersion/kind.
 * - Kinds of a `*.istio.io` group are validated with `istioModels` (see {@link loadIstioModels}); without
 *   that table, or with no model for the kind, they are errors.
 * - Any other apiVersion/kind is an error: nothing is accepted unvalidated.
 */
export function validateKubernetesObject(object: Record<string, any>, istioModels?: ModelTable): string[] {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) {
    return [`manifest must be an object, got ${object === null ? 'null' : Array.isArray(object) ? 'array' : typeof object}`];
  }
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || apiVersion === '' || typeof kind !== 'string' || kind === '') {
    return ['manifest must have string apiVersion and kind'];
  }

  const key = gvkKey(apiVersion, kind);
  let model: ModelClass | undefined;
  if (isIstioApiVersion(apiVersion)) {
    if (!istioModels) return [`${key} is an Istio kind: pass the table from loadIstioModels() to validate it`];
    model = istioModels.get(key);
    if (!model) return [`no @kubernetes-models/istio model for ${key}${otherVersions(istioModels, kind)}`];
  } else {
    model = KUBERNETES_MODELS.get(key);
    if (!model) return [`no schema registered for ${key}${otherVersions(KUBERNETES_MODELS, kind)}`];
  }

  return [...schemaErrors(model, object), ...apiServerRuleErrors(object)];
}

function otherVersions(table: ModelTable, kind: string): string {
  const known = [...table.values()].filter((model) => model.kind === kind).map((model) => model.apiVersion);
  return known.length > 0 ? ` (known apiVersions of ${kind}: ${known.join(', ')})` : '';
}

/** Errors of the model's OpenAPI (ajv) validation, one per ajv error. */
function schemaErrors(model: ModelClass, object: Record<string, any>): string[] {
  try {
    new model(object).validate();
    return [];
  } catch (error: any) {
    if (Array.isArray(error?.errors) && error.errors.length > 0) {
      return error.errors.map((e: any) => {
        const allowed = Array.isArray(e.params?.allowedValues) ? ` ${JSON.stringify(e.params.allowedValues)}` : '';
        return `${e.instancePath || '/'} ${e.message}${allowed}`;
      });
    }
    return [String(error?.message ?? error)];
  }
}

// ---------------------------------------------------------------------------------------------
// API-server rules the OpenAPI schemas do not express
// ---------------------------------------------------------------------------------------------

/**
 * Checks the API server enforces in Go validation rather than in OpenAPI (k8s.io/kubernetes
 * pkg/apis/core/validation): object name present; port numbers in 1..65535 (0 allowed where it means
 * "unset": hostPort, nodePort); named ports (IntOrString) are IANA service names.
 * Values of the wrong type are left to the schema errors.
 */
export function apiServerRuleErrors(object: Record<string, any>): string[] {
  const errors: string[] = [];
  const metadata = object.metadata;
  if (!isNonEmptyString(metadata?.name) && !isNonEmptyString(metadata?.generateName)) {
    errors.push('/metadata/name is required (or generateName)');
  }
  const spec = object.spec ?? {};

  switch (object.kind) {
    case 'Service':
      forEach(spec.ports, '/spec/ports', (port, at) => {
        checkPortNumber(port.port, `${at}/port`, errors);
        checkPortNumber(port.nodePort, `${at}/nodePort`, errors, { zeroAllowed: true });
        checkIntOrStringPort(port.targetPort, `${at}/targetPort`, errors);
      });
      break;
    case 'Deployment':
    case 'DaemonSet':
    case 'StatefulSet':
    case 'ReplicaSet':
    case 'Job':
      checkPodSpec(spec.template?.spec, '/spec/template/spec', errors);
      break;
    case 'Pod':
      checkPodSpec(spec, '/spec', errors);
      break;
    case 'EndpointSlice':
      forEach(object.ports, '/ports', (port, at) => checkPortNumber(port.port, `${at}/port`, errors));
      break;
    case 'NetworkPolicy':
      for (const direction of ['ingress', 'egress']) {
        forEach(spec[direction], `/spec/${direction}`, (rule, ruleAt) => {
          forEach(rule.ports, `${ruleAt}/ports`, (port, at) => {
            checkIntOrStringPort(port.port, `${at}/port`, errors);
            checkPortNumber(port.endPort, `${at}/endPort`, errors);
          });
        });
      }
      break;
    case 'MutatingWebhookConfiguration':
    case 'ValidatingWebhookConfiguration':
      forEach(object.webhooks, '/webhooks', (webhook, at) => {
        checkPortNumber(webhook.clientConfig?.service?.port, `${at}/clientConfig/service/port`, errors);
      });
      break;
    default:
      break;
  }
  return errors;
}

function checkPodSpec(podSpec: any, at: string, errors: string[]): void {
  if (podSpec === null || typeof podSpec !== 'object') return;
  for (const list of ['initContainers', 'containers']) {
    forEach(podSpec[list], `${at}/${list}`, (container, containerAt) => {
      forEach(container.ports, `${containerAt}/ports`, (port, portAt) => {
        checkPortNumber(port.containerPort, `${portAt}/containerPort`, errors);
        checkPortNumber(port.hostPort, `${portAt}/hostPort`, errors, { zeroAllowed: true });
        if (port.name !== undefined) checkPortName(port.name, `${portAt}/name`, errors);
      });
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        const handler = container[probe];
        if (handler === null || typeof handler !== 'object') continue;
        checkIntOrStringPort(handler.httpGet?.port, `${containerAt}/${probe}/httpGet/port`, errors);
        checkIntOrStringPort(handler.tcpSocket?.port, `${containerAt}/${probe}/tcpSocket/port`, errors);
        checkPortNumber(handler.grpc?.port, `${containerAt}/${probe}/grpc/port`, errors);
      }
    });
  }
}

function forEach(list: unknown, at: string, visit: (item: Record<string, any>, at: string) => void): void {
  if (!Array.isArray(list)) return;
  list.forEach((item, index) => {
    if (item !== null && typeof item === 'object') visit(item, `${at}/${index}`);
  });
}

function checkPortNumber(value: unknown, at: string, errors: string[], options: { zeroAllowed?: boolean } = {}): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) return;
  if (options.zeroAllowed && value === 0) return;
  if (value < 1 || value > 65535) errors.push(`${at} must be between 1 and 65535, inclusive (got ${value})`);
}

function checkIntOrStringPort(value: unknown, at: string, errors: string[]): void {
  if (typeof value === 'number') checkPortNumber(value, at, errors);
  else if (typeof value === 'string') checkPortName(value, at, errors);
}

/** IANA_SVC_NAME as the API server checks it (validation.IsValidPortName). */
function checkPortName(value: unknown, at: string, errors: string[]): void {
  if (typeof value !== 'string') return;
  const problems: string[] = [];
  if (value.length === 0 || value.length > 15) problems.push('must be 1-15 characters');
  if (!/^[a-z0-9-]*$/.test(value)) problems.push('must contain only lowercase alphanumerics and "-"');
  if (!/[a-z]/.test(value)) problems.push('must contain at least one letter');
  if (value.includes('--')) problems.push('must not contain consecutive hyphens');
  if (value.startsWith('-') || value.endsWith('-')) problems.push('must not begin or end with a hyphen');
  if (problems.length > 0) errors.push(`${at} ${JSON.stringify(value)} is not a valid port name: ${problems.join('; ')}`);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
