/**
 * The sections of every generated form (values.schema.json property order, Rancher questions.yaml
 * groups, the console page), in display order: first the sections of the Alibaba ACK console's
 * "Deploy Istio" form, then "Advanced" with the rest of the model.
 *
 * A section lists model paths: dotted, as values are addressed (`addons.kiali.enabled`); a path names
 * a setting and everything beneath it (`gateways.ingress` = the whole gateway list, items included).
 * A setting belongs to the FIRST section that names it or one of its parents, so "Advanced" can name
 * whole top-level settings and still leave the ACK fields to the sections above it.
 * Titles of the settings themselves are in the model (`form.title`, `form.titleZh`).
 */

/** One form section. */
export interface FormSection {
  /** Stable identifier (kebab-case), e.g. for tabs and anchors. */
  readonly id: string;
  /** English title. */
  readonly title: string;
  /** Simplified Chinese title. */
  readonly titleZh: string;
  /** A section of the ACK console form (true), or the generated rest (false). */
  readonly ack: boolean;
  /** Model paths shown in this section, in display order. */
  readonly paths: readonly string[];
}

/** Every form section, in display order. */
export const FORM_SECTIONS: readonly FormSection[] = [
  {
    id: 'monitoring',
    title: 'Monitoring',
    titleZh: '监控',
    ack: true,
    paths: ['addons.prometheus.enabled', 'addons.grafana.enabled'],
  },
  {
    id: 'sidecar-injection',
    title: 'Sidecar injection',
    titleZh: 'Sidecar 注入',
    ack: true,
    paths: ['sidecarInjection.enabled'],
  },
  {
    id: 'kiali',
    title: 'Kiali service mesh visualization',
    titleZh: 'Kiali 可视化服务网格',
    ack: true,
    paths: ['addons.kiali.enabled', 'addons.kiali.auth.strategy', 'addons.kiali.auth.basic.htpasswd', 'addons.kiali.auth.basic.htpasswdSecret.name'],
  },
  {
    id: 'tracing',
    title: 'Tracing analysis',
    titleZh: '链路追踪设置',
    ack: true,
    paths: ['addons.jaeger.enabled', 'tracing.enabled', 'tracing.provider', 'tracing.endpoint', 'tracing.sampling'],
  },
  {
    id: 'egress',
    title: 'Egress traffic control',
    titleZh: '管控出口流量',
    ack: true,
    paths: ['trafficCapture.excludeIPRanges', 'trafficCapture.includeIPRanges'],
  },
  {
    id: 'gateways',
    title: 'Gateways',
    titleZh: '网关',
    ack: true,
    paths: ['gateways.enabled', 'gateways.ingress', 'gateways.egress'],
  },
  {
    id: 'advanced',
    title: 'Advanced',
    titleZh: '高级设置',
    ack: false,
    paths: [
      'global', 'revisionTags', 'mesh', 'sidecarInjection', 'trafficCapture', 'tracing', 'base', 'istiod', 'remote',
      'cni', 'ambient', 'ztunnel', 'addons', 'gateways',
    ],
  },
];

/** The section a model path belongs to: the first whose paths name it or one of its parents. */
export function sectionOf(path: string): FormSection {
  const plain = path.replace(/\[\d*\]/g, '');
  const found = FORM_SECTIONS.find((section) => section.paths.some((named) => plain === named || plain.startsWith(`${named}.`)));
  if (found === undefined) throw new Error(`form-sections: no section holds ${path}`);
  return found;
}

/**
 * Where a path comes in form order: [section index, index of the naming path within it]. Settings
 * sort by it (a parent by its first descendant named), keeping model order between equals.
 */
export function formRank(path: string): readonly [number, number] {
  const plain = path.replace(/\[\d*\]/g, '');
  let best: [number, number] | undefined;
  FORM_SECTIONS.forEach((section, sectionIndex) => {
    section.paths.forEach((named, pathIndex) => {
      const covers = plain === named || plain.startsWith(`${named}.`) || named.startsWith(`${plain}.`);
      if (covers && (best === undefined || sectionIndex < best[0] || (sectionIndex === best[0] && pathIndex < best[1]))) {
        best = [sectionIndex, pathIndex];
      }
    });
  });
  if (best === undefined) throw new Error(`form-sections: no section holds ${path}`);
  return best;
}
