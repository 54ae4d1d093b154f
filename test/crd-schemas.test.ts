import { execFileSync } from 'child_process';
import * as path from 'path';
import * as zlib from 'zlib';
import Ajv from 'ajv';
import * as yaml from 'js-yaml';
import { ISTIO_CRDS } from '../src/components/crd-catalog';
import { renderChart } from '../src/outputs/chart';
import { renderProfile } from '../src/outputs/render-profile';
import { DefaultProfile, DemoProfile } from '../src/profiles/builtin-profiles';
import { pruneObject, structuralViolations, toJsonSchema } from './support/structural-schema';

/** The CRDs dist/default ships, by metadata.name. */
const crds = new Map(
  (yaml.loadAll(renderProfile(new DefaultProfile()).files.get('base.yaml')!) as any[])
    .filter((doc) => doc?.kind === 'CustomResourceDefinition')
    .map((crd) => [crd.metadata.name as string, crd]),
);

const schemaOf = (crd: string, version: string): Record<string, any> =>
  crds.get(crd).spec.versions.find((v: any) => v.name === version).schema.openAPIV3Schema;

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<Record<string, any>, ReturnType<typeof ajv.compile>>();

/** What the API server answers for `object` against the CRD version: its stored form, or the refusal. */
function admit(crd: string, version: string, object: Record<string, unknown>): { stored?: unknown; errors?: string[] } {
  const schema = schemaOf(crd, version);
  const pruned = pruneObject(object, schema);
  if (!validators.has(schema)) validators.set(schema, ajv.compile(toJsonSchema(schema)));
  const validate = validators.get(schema)!;
  if (validate(pruned)) return { stored: pruned };
  return { errors: (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`) };
}

/** istio.io's bookinfo `reviews` VirtualService, with a few more fields. */
const reviews = () => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'bookinfo' },
  spec: {
    hosts: ['reviews'],
    http: [{
      match: [{ headers: { 'end-user': { exact: 'jason' } }, uri: { prefix: '/reviews' } }],
      route: [{ destination: { host: 'reviews', subset: 'v2', port: { number: 9080 } }, weight: 100 }],
      timeout: '10s',
      retries: { attempts: 3, perTryTimeout: '2s' },
    }],
  },
});

const VS = 'virtualservices.networking.istio.io';

describe('CRD schemas', () => {
  test('the schema data file is what `npm run crd-schemas` generates from @kubernetes-models/istio', () => {
    // WHEN / THEN (throws with "is stale" when it is not)
    const output = execFileSync('node', [path.join(__dirname, '..', 'scripts', 'crd-schemas.mjs'), '--check'], { encoding: 'utf8' });
    expect(output).toContain('is up to date');
  });

  test('every version of every CRD has a structural schema', () => {
    // WHEN
    const violations = [...crds.values()].flatMap((crd) => crd.spec.versions.flatMap((version: any) =>
      structuralViolations(version.schema.openAPIV3Schema).map((problem) => `${crd.metadata.name}/${version.name}${problem}`)));

    // THEN
    expect(crds.size).toBe(ISTIO_CRDS.length);
    expect(violations).toEqual([]);
  });

  test('the structural check catches what Kubernetes refuses', () => {
    // GIVEN schemas that break the rules: a node without type, a type inside a junctor, a $ref
    const broken = { type: 'object', properties: { spec: { type: 'object', properties: { a: {}, b: { type: 'string', anyOf: [{ type: 'string' }] }, c: { $ref: '#/x' } } } } };

    // WHEN
    const problems = structuralViolations(broken);

    // THEN
    expect(problems).toEqual([
      '.spec.a: no type',
      '.spec.b.anyOf[0]: type inside a logical junctor',
      '.spec.c: $ref is not allowed in a CRD schema',
      '.spec.c: no type',
    ]);
  });

  test('every CRD but TrafficExtension (newer than the schema source) has a typed spec; status is kept as written', () => {
    // WHEN
    const typed = [...crds.values()].filter((crd) => crd.spec.versions.every((v: any) => v.schema.openAPIV3Schema.properties.spec.properties));

    // THEN
    expect(typed.map((crd) => crd.metadata.name)).toEqual([...crds.keys()].filter((name) => name !== 'trafficextensions.extensions.istio.io'));
    expect(schemaOf('trafficextensions.extensions.istio.io', 'v1alpha1').properties.spec).toEqual({ 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true });
    for (const crd of crds.values()) {
      for (const version of crd.spec.versions) {
        expect(version.schema.openAPIV3Schema.properties.status).toEqual({ 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true });
      }
    }
  });

  test('a valid VirtualService is stored as written', () => {
    // WHEN
    const answer = admit(VS, 'v1', reviews());

    // THEN
    expect(answer).toEqual({ stored: reviews() });
  });

  test.each(['v1', 'v1beta1', 'v1alpha3'])('a VirtualService (%s) with a wrong type is refused', (version) => {
    // GIVEN (upstream 1.30.3: hosts is an array of strings, weight an integer)
    const hostsString = reviews();
    (hostsString.spec as any).hosts = 'reviews';
    const weightString = reviews();
    (weightString.spec.http[0].route[0] as any).weight = 'fifty';

    // WHEN / THEN
    expect(admit(VS, version, hostsString)).toEqual({ errors: ['/spec/hosts must be array'] });
    expect(admit(VS, version, weightString)).toEqual({ errors: ['/spec/http/0/route/0/weight must be integer'] });
  });

  test('a VirtualService with an unknown enum value is refused', () => {
    // GIVEN (upstream 1.30.3: redirect.derivePort is FROM_PROTOCOL_DEFAULT or FROM_REQUEST_PORT)
    const object = reviews();
    (object.spec.http[0] as any).redirect = { uri: '/v2', derivePort: 'FROM_ANYWHERE' };
    delete (object.spec.http[0] as any).route;

    // WHEN
    const answer = admit(VS, 'v1', object);

    // THEN
    expect(answer).toEqual({ errors: ['/spec/http/0/redirect/derivePort must be equal to one of the allowed values'] });
    (object.spec.http[0] as any).redirect.derivePort = 'FROM_REQUEST_PORT';
    expect(admit(VS, 'v1', object).errors).toBeUndefined();
  });

  test('required fields and mutually exclusive fields are enforced as upstream', () => {
    // GIVEN (upstream 1.30.3: a destination requires host; a StringMatch is one of exact, prefix, regex)
    const noHost = reviews();
    delete (noHost.spec.http[0].route[0].destination as any).host;
    const twoMatches = reviews();
    (twoMatches.spec.http[0].match[0].uri as any).exact = '/reviews/1';

    // WHEN / THEN
    expect(admit(VS, 'v1', noHost)).toEqual({ errors: ["/spec/http/0/route/0/destination must have required property 'host'"] });
    expect(admit(VS, 'v1', twoMatches).errors).toContain('/spec/http/0/match/0/uri must match exactly one schema in oneOf');
  });

  test('a misspelt field is pruned, not stored', () => {
    // GIVEN
    const object = reviews();
    (object.spec.http[0] as any).timout = '5s';

    // WHEN
    const answer = admit(VS, 'v1', object);

    // THEN
    expect(answer).toEqual({ stored: reviews() });
  });

  test('fields Istio 1.30 added after the schema source are kept, not pruned', () => {
    // GIVEN fields new in 1.30 (upstream facts: crd-all.gen.yaml 1.29.2 vs 1.30.3)
    const policy = {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'partners', namespace: 'shop' },
      spec: { action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/a/sa/b'], trustDomains: ['partner.example'], notTrustDomains: ['evil.example'] } }] }] },
    };
    const telemetry = {
      apiVersion: 'telemetry.istio.io/v1',
      kind: 'Telemetry',
      metadata: { name: 'mesh-default', namespace: 'istio-system' },
      spec: { tracing: [{ providers: [{ name: 'jaeger' }], disableContextPropagation: true }] },
    };

    // WHEN / THEN
    expect(admit('authorizationpolicies.security.istio.io', 'v1', policy)).toEqual({ stored: policy });
    expect(admit('authorizationpolicies.security.istio.io', 'v1beta1', policy)).toEqual({ stored: policy });
    expect(admit('telemetries.telemetry.istio.io', 'v1', telemetry)).toEqual({ stored: telemetry });
    expect(admit('telemetries.telemetry.istio.io', 'v1alpha1', telemetry)).toEqual({ stored: telemetry });
    expect(admit('authorizationpolicies.security.istio.io', 'v1', { ...policy, spec: { ...policy.spec, action: 'PERMIT' } }).errors)
      .toEqual(['/spec/action must be equal to one of the allowed values']);
  });

  test('free-form fields stay free-form (EnvoyFilter patch values, WasmPlugin configuration)', () => {
    // GIVEN
    const filter = {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'EnvoyFilter',
      metadata: { name: 'lua', namespace: 'istio-system' },
      spec: { configPatches: [{ applyTo: 'HTTP_FILTER', match: { context: 'SIDECAR_INBOUND' }, patch: { operation: 'INSERT_BEFORE', value: { 'name': 'envoy.lua', 'typed_config': { '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua', 'inlineCode': 'x' } } } }] },
    };
    const plugin = {
      apiVersion: 'extensions.istio.io/v1alpha1',
      kind: 'WasmPlugin',
      metadata: { name: 'basic-auth', namespace: 'istio-system' },
      spec: { url: 'oci://ghcr.io/istio-ecosystem/wasm-extensions/basic_auth:1.12.0', phase: 'AUTHN', pluginConfig: { basic_auth_rules: [{ prefix: '/productpage', request_methods: ['GET', 'POST'] }] } },
    };

    // WHEN / THEN
    expect(admit('envoyfilters.networking.istio.io', 'v1alpha3', filter)).toEqual({ stored: filter });
    expect(admit('wasmplugins.extensions.istio.io', 'v1alpha1', plugin)).toEqual({ stored: plugin });
  });

  test('CRDs whose spec upstream requires (ServiceEntry, WorkloadEntry, WorkloadGroup, WasmPlugin) refuse objects without one', () => {
    // WHEN
    const required = [...crds.values()].filter((crd) => crd.spec.versions[0].schema.openAPIV3Schema.required?.includes('spec')).map((crd) => crd.metadata.name);

    // THEN (upstream 1.30.3 also requires it on TrafficExtension, whose spec is free-form here)
    expect(required).toEqual(['serviceentries.networking.istio.io', 'wasmplugins.extensions.istio.io', 'workloadentries.networking.istio.io', 'workloadgroups.networking.istio.io']);
    expect(admit('serviceentries.networking.istio.io', 'v1', { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'x' } }).errors)
      .toEqual(["/ must have required property 'spec'"]);
  });

  test('a Helm release of the chart stays far below the 1 MiB Secret limit', () => {
    // GIVEN Helm's release record: chart files (base64 in JSON) plus the rendered manifest, gzipped, base64
    const chartFiles = [...renderChart()].map(([name, content]) => ({ name, data: Buffer.from(content).toString('base64') }));
    const manifest = [...renderProfile(new DemoProfile()).files.values()].join('---\n');

    // WHEN
    const stored = zlib.gzipSync(JSON.stringify({ name: 'istio', chart: { files: chartFiles }, manifest }), { level: 9 }).toString('base64');

    // THEN (about 270 KB with the CRD schemas; half of the limit leaves room for values and growth)
    expect(stored.length).toBeLessThan(512 * 1024);
  });
});
