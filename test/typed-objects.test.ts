import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import * as ts from 'typescript';
import { KubeDeployment, KubeService, intOrString, quantity } from '../src/components/kube-objects';
import { renderProfile } from '../src/outputs/render-profile';
import { BUILTIN_PROFILES } from '../src/profiles/builtin-profiles';
import { PeerAuthenticationSpecMtlsMode } from '../src/imports/security.istio.io';
import { EnumSetting } from '../src/values/schema';
import { VALUES_MODEL } from '../src/values/model';
import { objectsOfFiles } from './support/objects';

/**
 * Every object istio-pack writes is built through a typed class: cdk8s-plus-28's L1 classes for
 * Kubernetes kinds, `cdk8s import`ed classes (src/imports/) for Istio kinds. These tests show that the
 * compiler refuses unknown fields, that the typed classes serialise as the untyped ApiObjects did
 * (dist/ and the chart are byte-identical, see src/components/kube-objects.ts), and that no field is
 * written under its TypeScript spelling instead of the API's.
 */

const ROOT = path.join(__dirname, '..');

/** Type-checks `source` as if it were test/<name>.ts (it is never written); returns line (1-based) → messages. */
function typeErrors(source: string): Map<number, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const options = { ...config.options, noEmit: true };
  const file = path.join(ROOT, 'test', '__typed-objects-snippet__.ts');
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) => (path.resolve(name) === file
    ? ts.createSourceFile(name, source, languageVersion, true)
    : getSourceFile(name, languageVersion, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  const errors = new Map<number, string[]>();
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    if (!diagnostic.file || path.resolve(diagnostic.file.fileName) !== file) continue;
    const line = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1;
    errors.set(line, [...(errors.get(line) ?? []), ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')]);
  }
  return errors;
}

/** Field names the generated classes spell differently from the API (`downwardApi` for `downwardAPI`), read from the generated code. */
function typeScriptOnlyNames(): Set<string> {
  const sources = [
    fs.readFileSync(require.resolve('cdk8s-plus-28/lib/imports/k8s.js'), 'utf8'),
    ...fs.readdirSync(path.join(ROOT, 'src', 'imports')).map((name) => fs.readFileSync(path.join(ROOT, 'src', 'imports', name), 'utf8')),
  ];
  const names = new Set<string>();
  const apiNames = new Set<string>();
  for (const source of sources) {
    for (const match of source.matchAll(/^\s+'([^']+)': .*?obj\.([A-Za-z0-9_]+)/gm)) {
      apiNames.add(match[1]);
      if (match[1] !== match[2]) names.add(match[2]);
    }
  }
  // A name that is also the API's spelling somewhere (`schema` of a CRD version) proves nothing.
  return new Set([...names].filter((name) => !apiNames.has(name)));
}

/** Every key of every object, except inside CRD schemas (whose property names are the Istio APIs' fields, data). */
function allKeys(value: unknown, keys: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => allKeys(item, keys));
  else if (value !== null && typeof value === 'object') {
    for (const [key, entry] of Object.entries(value)) {
      keys.add(key);
      if (key !== 'openAPIV3Schema') allKeys(entry, keys);
    }
  }
  return keys;
}

describe('the compiler refuses what the API does not have', () => {
  const snippet = [
    /* 1 */ "import { Testing } from 'cdk8s';",
    /* 2 */ "import { KubeDeployment, PeerAuthentication, intOrString } from '../src/components/kube-objects';",
    /* 3 */ "import { PeerAuthenticationSpecMtlsMode } from '../src/imports/security.istio.io';",
    /* 4 */ 'const chart = Testing.chart();',
    /* 5 */ "new KubeDeployment(chart, 'valid', { spec: { replicas: 1, selector: {}, template: { spec: { containers: [{ name: 'c', readinessProbe: { httpGet: { port: intOrString(8080) } } }] } } } });",
    /* 6 */ "new KubeDeployment(chart, 'misspelt', { spec: { replica: 1, selector: {}, template: {} } });",
    /* 7 */ "new KubeDeployment(chart, 'unknown-container-field', { spec: { selector: {}, template: { spec: { containers: [{ name: 'c', imagePullPolice: 'Always' }] } } } });",
    /* 8 */ "new KubeDeployment(chart, 'plain-port', { spec: { selector: {}, template: { spec: { containers: [{ name: 'c', readinessProbe: { httpGet: { port: 8080 } } }] } } } });",
    /* 9 */ "new PeerAuthentication(chart, 'valid-policy', { spec: { mtls: { mode: PeerAuthenticationSpecMtlsMode.STRICT } } });",
    /* 10 */ "new PeerAuthentication(chart, 'unknown-policy-field', { spec: { mtls: { mode: PeerAuthenticationSpecMtlsMode.STRICT }, mtlsMode: 'STRICT' } });",
    /* 11 */ "new PeerAuthentication(chart, 'unknown-mode', { spec: { mtls: { mode: 'STRICTER' } } });",
  ].join('\n');
  let errors: Map<number, string[]>;

  beforeAll(() => {
    errors = typeErrors(snippet);
  });

  test('GIVEN valid objects THEN they compile', () => {
    expect([errors.get(1), errors.get(2), errors.get(3), errors.get(4), errors.get(5), errors.get(9)]).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  test('GIVEN a misspelt or unknown field of a Kubernetes object THEN it does not compile, naming the field', () => {
    expect(errors.get(6)?.join('\n')).toMatch(/'replica' does not exist/);
    expect(errors.get(7)?.join('\n')).toMatch(/'imagePullPolice' does not exist/);
  });

  test('GIVEN a plain number where the API takes an IntOrString THEN it does not compile', () => {
    expect(errors.get(8)?.join('\n')).toMatch(/'number' is not assignable to type 'IntOrString'/);
  });

  test('GIVEN an unknown field or enum value of an Istio resource THEN it does not compile', () => {
    expect(errors.get(10)?.join('\n')).toMatch(/'mtlsMode' does not exist/);
    expect(errors.get(11)?.join('\n')).toMatch(/"STRICTER"/);
  });
});

describe('typed objects serialise like plain ApiObjects', () => {
  test('GIVEN typed props with IntOrString, Quantity and a renamed field WHEN synthesised THEN the API spelling, plain values and sorted keys come out', () => {
    // GIVEN
    const chart = Testing.chart();
    new KubeDeployment(chart, 'deployment', {
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        strategy: { rollingUpdate: { maxSurge: intOrString('100%') } },
        template: {
          spec: {
            containers: [{ name: 'web', resources: { requests: { cpu: quantity('10m') } }, readinessProbe: { httpGet: { port: intOrString(8080) } } }],
            volumes: [{ name: 'podinfo', downwardApi: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }],
          },
        },
      },
    });
    new KubeService(chart, 'service', { metadata: { name: 'web' }, spec: { loadBalancerIp: '10.0.0.1', ports: [{ port: 80, targetPort: intOrString(8080) }] } });

    // WHEN
    const [deployment, service] = Testing.synth(chart);

    // THEN
    expect(JSON.stringify(deployment)).toBe(JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        strategy: { rollingUpdate: { maxSurge: '100%' } },
        template: {
          spec: {
            containers: [{ name: 'web', readinessProbe: { httpGet: { port: 8080 } }, resources: { requests: { cpu: '10m' } } }],
            volumes: [{ downwardAPI: { items: [{ fieldRef: { fieldPath: 'metadata.labels' }, path: 'labels' }] }, name: 'podinfo' }],
          },
        },
      },
    }));
    expect(service.spec).toEqual({ loadBalancerIP: '10.0.0.1', ports: [{ port: 80, targetPort: 8080 }] });
  });

  test('GIVEN a field the 1.28 schema lacks, set through an escape hatch THEN it is kept (the L1 toJson would drop it)', () => {
    // GIVEN a Service field newer than Kubernetes 1.28 (trafficDistribution, 1.31)
    const chart = Testing.chart();
    const props = { spec: { ports: [{ port: 80 }], trafficDistribution: 'PreferClose' } } as k8s.KubeServiceProps;
    new KubeService(chart, 'service', props);
    new k8s.KubeService(chart, 'upstream-l1', props);

    // WHEN
    const [ours, upstream] = Testing.synth(chart);

    // THEN
    expect(ours.spec.trafficDistribution).toBe('PreferClose');
    expect(upstream.spec.trafficDistribution).toBeUndefined();
  });

  test('GIVEN every built-in profile WHEN rendered THEN no key carries a TypeScript-only spelling', () => {
    // GIVEN
    const forbidden = typeScriptOnlyNames();
    expect(forbidden.has('downwardApi')).toBe(true);
    expect(forbidden.has('nonResourceUrLs')).toBe(true);

    // WHEN
    const keys = new Set<string>();
    for (const profile of BUILTIN_PROFILES) {
      for (const mode of ['PERMISSIVE', 'STRICT']) {
        const rendered = renderProfile(profile, { userValues: [{ source: 'test', values: { mesh: { mtls: { mode } } } }] });
        allKeys(objectsOfFiles(rendered.files), keys);
      }
    }

    // THEN the API spellings are there, the TypeScript ones are not
    expect(keys.has('downwardAPI')).toBe(true);
    expect(keys.has('nonResourceURLs')).toBe(true);
    expect(keys.has('openAPIV3Schema')).toBe(true);
    expect([...keys].filter((key) => forbidden.has(key))).toEqual([]);
  });
});

describe('imported Istio classes', () => {
  test('src/imports is what `npm run import-crds` generates from the CRDs istio-pack ships', () => {
    const output = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'import-istio-crds.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(output).toMatch(/up to date/);
  });

  test('the modes of mesh.mtls.mode are modes of the PeerAuthentication API', () => {
    const setting = (VALUES_MODEL.properties.mesh as any).properties.mtls.properties.mode as EnumSetting<string>;
    expect(setting.members).toEqual(['PERMISSIVE', 'STRICT']);
    for (const mode of setting.members) expect(Object.values(PeerAuthenticationSpecMtlsMode)).toContain(mode);
  });
});
