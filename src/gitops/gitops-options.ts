/**
 * Where the generated Argo CD and Flux objects find istio-pack's output in Git, and how often they
 * look. Everything has a default so that a plain synth writes usable objects; the repository URL's
 * default is a placeholder that has to be replaced (CLI --repo-url or ISTIO_PACK_REPO_URL).
 */
export interface GitOpsOptions {
  /** Git repository that holds the synthesised output. @default DEFAULT_GITOPS_OPTIONS.repoUrl (a placeholder) */
  readonly repoUrl?: string;
  /** Branch Argo CD (targetRevision) and Flux (ref.branch) follow. @default 'main' */
  readonly branch?: string;
  /** Folder of the manifests output (dist/) inside the repository. @default 'dist' */
  readonly distPath?: string;
  /** Folder of the Helm chart inside the repository. @default 'charts/istio' */
  readonly chartPath?: string;
  /** Flux reconciliation interval (Go duration). @default '10m' */
  readonly interval?: string;
  /** Namespace of Argo CD's Application and AppProject objects. @default 'argocd' */
  readonly argocdNamespace?: string;
  /** Namespace of the Flux objects. @default 'flux-system' */
  readonly fluxNamespace?: string;
}

/** {@link GitOpsOptions} with every default filled in. */
export type ResolvedGitOpsOptions = Required<GitOpsOptions>;

export const DEFAULT_GITOPS_OPTIONS: ResolvedGitOpsOptions = {
  repoUrl: 'https://git.example.com/platform/istio-pack.git',
  branch: 'main',
  distPath: 'dist',
  chartPath: 'charts/istio',
  interval: '10m',
  argocdNamespace: 'argocd',
  fluxNamespace: 'flux-system',
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A relative path inside the repository: plain segments, no `.`/`..`, no leading slash. */
const REPO_PATH = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

const RULES: Record<keyof GitOpsOptions, { readonly pattern: RegExp; readonly expected: string }> = {
  // Flux GitRepository accepts http(s) and ssh URLs; Argo CD the same plus scp-like git@host:path.
  repoUrl: { pattern: /^(https?|ssh):\/\/[^\s]+$/, expected: 'an http(s):// or ssh:// URL' },
  // A git ref name without whitespace, `..`, `~^:?*[\` or a leading `-`/`/` (git check-ref-format).
  branch: { pattern: /^(?![-/])(?!.*\.\.)[^\s~^:?*[\\]+$/, expected: 'a git branch name' },
  distPath: { pattern: REPO_PATH, expected: 'a relative path inside the repository (no "..", no leading "/")' },
  chartPath: { pattern: REPO_PATH, expected: 'a relative path inside the repository (no "..", no leading "/")' },
  interval: { pattern: /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/, expected: 'a Go duration such as 10m or 1h30m' },
  argocdNamespace: { pattern: DNS_LABEL, expected: 'a DNS-1123 label' },
  fluxNamespace: { pattern: DNS_LABEL, expected: 'a DNS-1123 label' },
};

/**
 * Fills in the defaults and checks every option.
 * @throws Error naming the option and what was expected.
 */
export function resolveGitOpsOptions(options: GitOpsOptions = {}): ResolvedGitOpsOptions {
  const resolved = { ...DEFAULT_GITOPS_OPTIONS };
  for (const key of Object.keys(RULES) as Array<keyof GitOpsOptions>) {
    const value = options[key];
    if (value === undefined) continue;
    const rule = RULES[key];
    if (typeof value !== 'string' || !rule.pattern.test(value)) {
      throw new Error(`gitops.${key}: must be ${rule.expected}, got ${JSON.stringify(value)}`);
    }
    resolved[key] = value;
  }
  return resolved;
}
