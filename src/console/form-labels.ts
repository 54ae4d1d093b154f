import { FormHints, Setting } from '../values/schema';

/**
 * The one place the console reads form metadata from the model: section list, field titles (English
 * and Simplified Chinese) and choice labels. Everything else in the console asks this module, so the
 * page follows the model's form metadata (src/values) without restating it.
 */

/** Languages the console speaks. */
export type Language = 'en' | 'zh';

/** One form section: ACK sections first, then "Advanced". */
export interface ConsoleSection {
  readonly id: string;
  readonly title: string;
  readonly titleZh: string;
  /** A section of the ACK console form (true) or the generated rest (false). */
  readonly ack: boolean;
  /** Model paths in display order; a path covers the setting and everything below it. */
  readonly paths: readonly string[];
}

/** Sections of the ACK console's "Deploy Istio" form, then Advanced (every top-level setting). */
const FALLBACK_SECTIONS: readonly ConsoleSection[] = [
  { id: 'monitoring', title: 'Monitoring', titleZh: '监控', ack: true, paths: ['addons.prometheus.enabled', 'addons.grafana.enabled'] },
  { id: 'sidecar-injection', title: 'Sidecar injection', titleZh: 'Sidecar 注入', ack: true, paths: ['sidecarInjection.enabled'] },
  {
    id: 'kiali', title: 'Kiali service mesh visualization', titleZh: 'Kiali 可视化服务网格', ack: true,
    paths: ['addons.kiali.enabled', 'addons.kiali.auth.strategy', 'addons.kiali.auth.basic.htpasswd', 'addons.kiali.auth.basic.htpasswdSecret.name'],
  },
  { id: 'tracing', title: 'Tracing analysis', titleZh: '链路追踪设置', ack: true, paths: ['addons.jaeger.enabled', 'tracing.enabled', 'tracing.provider', 'tracing.endpoint', 'tracing.sampling'] },
  { id: 'egress', title: 'Egress traffic control', titleZh: '管控出口流量', ack: true, paths: ['trafficCapture.excludeIPRanges', 'trafficCapture.includeIPRanges'] },
  { id: 'gateways', title: 'Gateways', titleZh: '网关', ack: true, paths: ['gateways.enabled', 'gateways.ingress', 'gateways.egress'] },
  {
    id: 'advanced', title: 'Advanced', titleZh: '高级设置', ack: false,
    paths: ['global', 'revisionTags', 'mesh', 'sidecarInjection', 'trafficCapture', 'tracing', 'base', 'istiod', 'remote', 'cni', 'ambient', 'ztunnel', 'addons', 'gateways'],
  },
];

/** The form sections, in display order. */
export function consoleSections(): readonly ConsoleSection[] {
  return FALLBACK_SECTIONS;
}

/** The model's form hints of a setting, whatever the model version carries. */
function hints(setting: Setting<any>): Partial<FormHints> & { title?: string; titleZh?: string; choiceTitles?: Record<string, string> } {
  return (setting.docs.form ?? {}) as any;
}

/** `replicaCount` → `Replica count`: the last resort when the model has no title. */
export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The field title of `setting` (reached by `key`) in `language`. */
export function fieldTitle(setting: Setting<any>, key: string, language: Language): string {
  const form = hints(setting);
  const english = form.title ?? form.label ?? humanize(key);
  return language === 'zh' ? form.titleZh ?? english : english;
}

/** The label of an enum member. */
export function choiceTitle(setting: Setting<any>, member: string): string {
  return hints(setting).choiceTitles?.[member] ?? (member === '' ? '(default)' : member);
}
