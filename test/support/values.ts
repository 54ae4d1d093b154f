import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { IstioValues } from '../../src/values/model';
import { ValuesOverlay, resolveValues } from '../../src/values/resolve';

/** Values of the default profile with `overlay` on top, as a user values file would give them. */
export function valuesWith(overlay: ValuesOverlay = {}): IstioValues {
  return resolveValues([{ source: 'test values', values: overlay }]);
}

/** Builds a component in a fresh test chart and returns the synthesised objects. */
export function synthComponent(build: (scope: Construct) => void): Array<Record<string, any>> {
  const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
  build(chart);
  return Testing.synth(chart);
}

/** The single object of `kind` (and `name`, when given); fails the test when there is not exactly one. */
export function only(objects: ReadonlyArray<Record<string, any>>, kind: string, name?: string): Record<string, any> {
  const matches = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (matches.length !== 1) {
    throw new Error(`expected exactly one ${kind}${name ? ` ${name}` : ''}, found ${matches.length}: ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  }
  return matches[0];
}
