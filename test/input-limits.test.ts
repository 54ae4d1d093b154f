// The module object itself, so that jest.spyOn can watch readFileSync.
import fs = require('fs');
import * as path from 'path';
import { INPUT_LIMITS, countExpandedNodes, readYamlDocuments } from '../src/outputs/inputs';
import { synthesize } from '../src/outputs/synth';
import { Workspace } from './support/workspace';

/**
 * Every YAML input (values files, profile files, --crds files) is read by one function that caps its
 * size and refuses alias bombs, as Helm refuses them with "excessive aliasing".
 */

let workspace: Workspace;
beforeEach(() => {
  workspace = new Workspace();
});
afterEach(() => workspace.cleanup());

/** A "billion laughs" values file: `levels` anchors, each a list of ten aliases of the one before. */
function aliasBomb(levels: number): string {
  const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let level = 1; level <= levels; level += 1) {
    const previous = `*a${level - 1}`;
    lines.push(`a${level}: &a${level} [${Array(10).fill(previous).join(', ')}]`);
  }
  lines.push(`mesh:\n  extraConfig:\n    bomb: *a${levels}`);
  return `${lines.join('\n')}\n`;
}

describe('YAML alias bombs are refused quickly, naming the file', () => {
  test.each([
    ['a billion laughs (10^9 nodes)', 8],
    ['ten times bigger (10^10 nodes)', 9],
  ])('%s as a values file', (_title, levels) => {
    // GIVEN
    const file = workspace.write('bomb.yaml', aliasBomb(levels));

    // WHEN
    const started = process.hrtime.bigint();
    const attempt = () => synthesize({ root: workspace.root, valuesFiles: ['bomb.yaml'], profiles: ['minimal'] });

    // THEN
    expect(attempt).toThrow(`${file}: excessive aliasing: its YAML aliases expand to more than 2000000 nodes`);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
    expect(workspace.entries()).toEqual(['bomb.yaml']);
  });

  test('as a profile file', () => {
    // GIVEN
    const file = workspace.write('profiles/edge.yaml', `extends: demo\n${aliasBomb(8)}`);

    // WHEN / THEN
    expect(() => synthesize({ root: workspace.root })).toThrow(`${file}: excessive aliasing`);
    expect(workspace.entries()).toEqual(['profiles']);
  });

  test('as a CRD file', () => {
    // GIVEN
    const file = workspace.write('crds.yaml', aliasBomb(8));

    // WHEN / THEN
    expect(() => synthesize({ root: workspace.root, crdFile: 'crds.yaml' })).toThrow(`${file}: excessive aliasing`);
  });

  test('anchors as real values use them (a shared resources block) are accepted', () => {
    // GIVEN
    workspace.write('values.yaml', [
      'gateways:',
      '  ingress:',
      '    - gatewayName: ingressgateway',
      '      resources: &small { requests: { cpu: 10m, memory: 40Mi }, limits: { cpu: 100m, memory: 128Mi } }',
      '    - gatewayName: internal-ingressgateway',
      '      serviceType: ClusterIP',
      '      resources: *small',
      '  egress:',
      '    - gatewayName: egressgateway',
      '      resources: *small',
      '',
    ].join('\n'));

    // WHEN
    const result = synthesize({ root: workspace.root, valuesFiles: ['values.yaml'], profiles: ['default'], outdir: 'out' });

    // THEN
    expect(result.profiles[0].values.gateways.egress[0].resources).toEqual({ requests: { cpu: '10m', memory: '40Mi' }, limits: { cpu: '100m', memory: '128Mi' } });
  });
});

describe('the node count follows aliases', () => {
  test('a shared list counts once per reference; past the budget the count only says so', () => {
    // GIVEN
    const leaf = ['x', 'y'];
    const value = { a: leaf, b: leaf, c: [leaf, leaf] };

    // WHEN / THEN: root + a(1+2) + b(1+2) + c(1 + 2×3) = 14
    expect(countExpandedNodes(value, 1000)).toBe(14);
    expect(countExpandedNodes(value, 5)).toBeGreaterThan(5);
    expect(countExpandedNodes(value, 13)).toBe(14);
  });

  test('a cycle counts as endless', () => {
    // GIVEN
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = [cycle];

    // WHEN / THEN
    expect(countExpandedNodes(cycle, 1000)).toBe(Infinity);
  });
});

describe('input files larger than the cap are refused before they are read', () => {
  test.each([
    ['values', 'big.yaml', INPUT_LIMITS.valuesFileBytes, (root: string) => synthesize({ root, valuesFiles: ['big.yaml'] })],
    ['profile', 'profiles/big.yaml', INPUT_LIMITS.valuesFileBytes, (root: string) => synthesize({ root })],
    ['crds', 'crds.yaml', INPUT_LIMITS.crdFileBytes, (root: string) => synthesize({ root, crdFile: 'crds.yaml' })],
  ])('a %s file one byte over the cap', (kind, relative, cap, run) => {
    // GIVEN
    const file = workspace.write(relative, `# ${'x'.repeat(cap - 2)}\n`);
    expect(fs.statSync(file).size).toBe(cap + 1);
    const read = jest.spyOn(fs, 'readFileSync');

    // WHEN / THEN
    expect(() => run(workspace.root)).toThrow(`${file}: too large for a ${kind} file: ${cap + 1} bytes, the limit is ${cap} bytes`);
    expect(read.mock.calls.filter(([name]) => name === file)).toEqual([]);
    read.mockRestore();
    expect(workspace.entries()).toEqual([relative.split('/')[0]]);
  });

  test('a values file exactly at the cap is read', () => {
    // GIVEN
    const file = workspace.write('big.yaml', `# ${'x'.repeat(INPUT_LIMITS.valuesFileBytes - 3)}\n`);

    // WHEN / THEN
    expect(readYamlDocuments(file, 'values')).toEqual([]);
  });
});

describe('the limits are documented', () => {
  test('README states the caps and the alias limit', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain('1 MiB');
    expect(readme).toContain('16 MiB');
    expect(readme).toContain('2,000,000 nodes');
    expect(INPUT_LIMITS).toEqual({ valuesFileBytes: 1048576, crdFileBytes: 16777216, expandedNodes: 2000000 });
  });
});
