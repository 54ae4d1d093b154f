/*
 * kubectl and the API server read manifests with Go's sigs.k8s.io/yaml (YAML 1.1 rules): what they
 * read must be exactly what js-yaml reads, the objects the generator meant. A string that Go takes for
 * a number, boolean, null or timestamp would be sent to the cluster as one.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { renderProfile } from '../src/outputs/render-profile';
import { BUILTIN_PROFILES } from '../src/profiles/builtin-profiles';
import { goDecodeFiles } from './support/go-yaml';
import { firstDifference, objectsOfFiles } from './support/objects';

const REPO = path.resolve(__dirname, '..');

/** Strings YAML 1.1 or Go read as another type unless quoted, and strings that need quoting anyway. */
const HOSTILE_STRINGS = [
  '1_000', '0x_1F', '685_230.15', '0O17', '0b101', '+12', '1e3', '.5', '1:20', '190:20:30.15',
  'yes', 'No', 'ON', 'off', 'y', 'N', '~', 'null', 'NULL', '', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
  '.inf', '-.Inf', '.NaN', '=', '<<', '  leading space', 'trailing: colon', '#hash',
];

/** A map with one entry per hostile string: `HOSTILE_0: '1_000'`, ... (keys valid for env and annotations). */
function hostileMap(prefix: string): Record<string, string> {
  return Object.fromEntries(HOSTILE_STRINGS.map((text, index) => [`${prefix}${index}`, text]));
}

/** Every .yaml file below a folder. */
function yamlFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.yaml'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** A document with keys sorted at every level (ConfigMap payloads stay text). */
function sortedKeys(document: unknown): unknown {
  return JSON.parse(JSON.stringify(document, (_key, value) => (value !== null && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.keys(value).sort().map((key) => [key, value[key]]))
    : value)));
}

/** `file: difference` for every file whose documents Go reads differently from js-yaml. */
function goVersusJsYaml(files: readonly string[]): string[] {
  return goDecodeFiles(files).flatMap((decoded) => {
    const relative = path.relative(REPO, decoded.path);
    if (decoded.error !== undefined) return [`${relative}: ${decoded.error}`];
    const expected = (yaml.loadAll(fs.readFileSync(decoded.path, 'utf8')) as unknown[]).filter((document) => document !== null && document !== undefined);
    // Go's JSON sorts keys: compare content (comparable() sorts keys), not key order.
    const difference = firstDifference(expected.map((document) => sortedKeys(document)), decoded.documents.map((document) => sortedKeys(document)));
    return difference === undefined ? [] : [`${relative}${difference}`];
  });
}

describe('Go\'s sigs.k8s.io/yaml reads what js-yaml reads', () => {
  test('every file in dist/ and profiles/ (and the chart\'s Chart.yaml and values.yaml)', () => {
    // GIVEN the committed output
    const files = [
      ...yamlFiles(path.join(REPO, 'dist')),
      ...yamlFiles(path.join(REPO, 'profiles')),
      path.join(REPO, 'charts', 'istio', 'Chart.yaml'),
      path.join(REPO, 'charts', 'istio', 'values.yaml'),
    ];

    // WHEN / THEN
    expect(files.length).toBeGreaterThan(40);
    expect(goVersusJsYaml(files)).toEqual([]);
  });

  describe('with hostile strings in annotations, env values and mesh config', () => {
    let workdir: string;
    beforeAll(() => {
      workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-pack-go-yaml-'));
    });
    afterAll(() => fs.rmSync(workdir, { recursive: true, force: true }));

    const values = {
      istiod: { env: hostileMap('HOSTILE_') },
      gateways: {
        ingress: [{ gatewayName: 'ingressgateway', serviceAnnotations: hostileMap('example.com/s'), podAnnotations: hostileMap('example.com/p'), env: hostileMap('HOSTILE_') }],
        egress: [{ gatewayName: 'egressgateway', serviceAnnotations: hostileMap('example.com/s'), env: hostileMap('HOSTILE_') }],
      },
      mesh: { extraConfig: { defaultConfig: { proxyMetadata: hostileMap('HOSTILE_') } } },
    };

    test.each(['default', 'demo'])('profile %s', (name) => {
      // GIVEN
      const profile = BUILTIN_PROFILES.find((candidate) => candidate.name === name)!;
      const rendered = renderProfile(profile, { userValues: [{ source: 'hostile values', values }] });
      const folder = path.join(workdir, name);
      fs.mkdirSync(folder);
      for (const [file, content] of rendered.files) fs.writeFileSync(path.join(folder, file), content);

      // WHEN / THEN every file reads the same in Go and in js-yaml
      expect(goVersusJsYaml(yamlFiles(folder))).toEqual([]);

      // AND the hostile strings did reach the manifests (as strings)
      const objects = objectsOfFiles(rendered.files);
      const ingress = objects.find((object) => object.kind === 'Service' && object.metadata.name === 'istio-ingressgateway');
      expect(ingress?.metadata.annotations).toMatchObject(hostileMap('example.com/s'));
      const istiod = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'istiod');
      const istiodEnv = Object.fromEntries(istiod?.spec.template.spec.containers[0].env.map((env: any) => [env.name, env.value]));
      expect(istiodEnv).toMatchObject(hostileMap('HOSTILE_'));
    });

    /*
     * istiod reads its mesh config (and the addons their configs) with Go's YAML as well. The payloads
     * are JSON in Go's layout (src/values/go-json.ts), the injector config YAML from toKubernetesYaml.
     */
    test('the YAML payloads of ConfigMaps (mesh config) read the same in Go', () => {
      // GIVEN
      const profile = BUILTIN_PROFILES.find((candidate) => candidate.name === 'default')!;
      const objects = objectsOfFiles(renderProfile(profile, { userValues: [{ source: 'hostile values', values }] }).files);
      const folder = path.join(workdir, 'payloads');
      fs.mkdirSync(folder);
      const files: string[] = [];
      for (const configMap of objects.filter((object) => object.kind === 'ConfigMap')) {
        for (const [key, payload] of Object.entries<string>(configMap.data ?? {})) {
          if (!/\.ya?ml$|^mesh$|^meshNetworks$|^config$/.test(key)) continue;
          const file = path.join(folder, `${configMap.metadata.name}.${key}.yaml`);
          fs.writeFileSync(file, payload);
          files.push(file);
        }
      }
      expect(files.map((file) => path.basename(file))).toContain('istio.mesh.yaml');

      // WHEN / THEN
      expect(goVersusJsYaml(files)).toEqual([]);
    });
  });
});
