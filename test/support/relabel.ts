/**
 * A small evaluator of Prometheus relabel_configs (actions keep, drop, replace, labelmap), enough to
 * check which targets a scrape job keeps and where it scrapes them. Semantics follow Prometheus:
 * source labels joined with ';', regexes fully anchored, `$1`-style replacement references.
 */
export type Labels = Record<string, string>;

export interface RelabelRule {
  readonly action?: string;
  readonly source_labels?: readonly string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly replacement?: string;
  readonly target_label?: string;
}

/** Applies rules to a target's labels; returns undefined when the target is dropped. */
export function relabel(input: Labels, rules: readonly RelabelRule[]): Labels | undefined {
  let labels: Labels = { ...input };
  for (const rule of rules) {
    const action = rule.action ?? 'replace';
    const regex = new RegExp(`^(?:${rule.regex ?? '(.*)'})$`);
    const value = (rule.source_labels ?? []).map((name) => labels[name] ?? '').join(rule.separator ?? ';');
    switch (action) {
      case 'keep':
        if (!regex.test(value)) return undefined;
        break;
      case 'drop':
        if (regex.test(value)) return undefined;
        break;
      case 'replace': {
        const match = regex.exec(value);
        if (match && rule.target_label) {
          const replaced = (rule.replacement ?? '$1').replace(/\$(\d+)/g, (_, group) => match[Number(group)] ?? '');
          labels[rule.target_label] = replaced;
        }
        break;
      }
      case 'labelmap': {
        const mapped: Labels = { ...labels };
        for (const [name, labelValue] of Object.entries(labels)) {
          const match = regex.exec(name);
          if (match) mapped[(rule.replacement ?? '$1').replace(/\$(\d+)/g, (_, group) => match[Number(group)] ?? '')] = labelValue;
        }
        labels = mapped;
        break;
      }
      default:
        throw new Error(`relabel action ${action} is not supported by this evaluator`);
    }
  }
  return labels;
}

/** Prometheus' name for a Kubernetes label or annotation key in pod service-discovery meta labels. */
export function metaName(key: string): string {
  return key.replace(/[^a-zA-Z0-9_]/g, '_');
}
