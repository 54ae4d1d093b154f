import { FleetClusterSummary, clusterFluxFiles, fleetArgoCdFile, summarizeCluster } from '../gitops/fleet-delivery';
import { GitOpsFile } from '../gitops/delivery';
import { ResolvedGitOpsOptions } from '../gitops/gitops-options';
import { ClusterProfile } from '../profiles/fleet';
import { FileTree } from './atomic-write';
import { clusterValuesFile } from './profile-files';
import { GENERATED_HEADER, RenderOptions, renderProfile, toManifestYaml } from './render-profile';

/** What synth reports of a rendered cluster. */
export interface RenderedCluster {
  readonly name: string;
  /** Files of its folder, dist/clusters/<name>/. */
  readonly fileCount: number;
}

/**
 * The clusters/ folder of a fleet: per cluster its manifests and kustomization.yaml, `helm/values.yaml`
 * (the chart renders the same objects with it) and `flux/` (its Flux objects); `argocd.yaml` for all.
 * Clusters are rendered one at a time and only their text is kept; equal file contents (the CRDs of
 * base.yaml above all) are kept once.
 */
export function renderFleet(clusters: readonly ClusterProfile[], renderOptions: RenderOptions, options: ResolvedGitOpsOptions): { files: FileTree; clusters: RenderedCluster[] } {
  const files = new Map<string, string>();
  const interned = new Map<string, string>();
  const intern = (content: string) => {
    const known = interned.get(content);
    if (known !== undefined) return known;
    interned.set(content, content);
    return content;
  };
  const written = (content: GitOpsFile) => `${GENERATED_HEADER}# ${content.comment}\n${toManifestYaml(content.objects)}`;
  const summaries: FleetClusterSummary[] = [];
  const rendered: RenderedCluster[] = [];
  for (const cluster of clusters) {
    const result = renderProfile(cluster, renderOptions);
    const delivered = { name: cluster.name, istioNamespace: result.values.global.istioNamespace, manifests: result.objects };
    const before = files.size;
    for (const [file, content] of result.files) files.set(`${cluster.name}/${file}`, intern(content));
    files.set(`${cluster.name}/helm/values.yaml`, clusterValuesFile(cluster));
    for (const [file, content] of clusterFluxFiles(delivered, options)) files.set(`${cluster.name}/${file}`, intern(written(content)));
    summaries.push(summarizeCluster(delivered));
    rendered.push({ name: cluster.name, fileCount: files.size - before });
  }
  files.set('argocd.yaml', written(fleetArgoCdFile(summaries, options)));
  return { files: new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b))), clusters: rendered };
}
