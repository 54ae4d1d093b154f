import { execFileSync } from 'child_process';
import * as yaml from 'js-yaml';

/**
 * The objects `kubectl kustomize FOLDER` builds (the real kustomize, as `kubectl apply -k`, Argo CD and
 * Flux run it). `loadRestrictorNone` lets a kustomization name files outside its folder, as Flux's
 * kustomize-controller allows.
 */
export function kustomize(folder: string, loadRestrictorNone = false): Array<Record<string, any>> {
  const args = ['kustomize', folder, ...(loadRestrictorNone ? ['--load-restrictor', 'LoadRestrictionsNone'] : [])];
  const output = execFileSync('kubectl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  return (yaml.loadAll(output) as Array<Record<string, any>>).filter((doc) => doc);
}
