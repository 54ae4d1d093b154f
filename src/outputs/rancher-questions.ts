import { FORM_SECTIONS } from '../values/form-sections';
import { toKubernetesYaml } from '../values/kubernetes-yaml';
import { BooleanSetting, EnumSetting, ListSetting, NumberSetting, ObjectSetting, Setting, StringSetting } from '../values/schema';
import { settingAt } from '../values/setting-paths';

/**
 * Rancher's `questions.yaml` (Apps & Marketplace form, reference console-and-gitops.md §1.2), generated
 * from the model's form metadata: one group per form section, a question per setting Rancher can edit.
 *
 * What Rancher cannot address is left to its YAML editor: items of lists. Rancher's dashboard writes an
 * answer with `set(values, variable)`, which splits the variable on dots only (`ingress[0]` would be a
 * key), while Helm's `--set` (legacy Rancher answers) needs `ingress[0]` (`ingress.0` would be a map key
 * that values.schema.json refuses): no spelling of a list item works in both, so the gateway list and
 * the toleration lists get no questions. Lists of strings are `array[string]` questions.
 */

/** Keys of one question, in the order Rancher's docs list them; only keys the dashboard reads. */
export interface RancherQuestion {
  readonly variable: string;
  readonly label: string;
  readonly description: string;
  readonly type: string;
  readonly default?: string;
  readonly group?: string;
  readonly min?: number;
  readonly max?: number;
  readonly options?: readonly string[];
  readonly valid_chars?: string;
  readonly show_if?: string;
  readonly show_subquestion_if?: string;
  subquestions?: RancherQuestion[];
}

/**
 * Settings of the "Advanced" tab: the install-wide choices a platform team makes in a form. The rest of
 * the model (resources, scheduling, per-component tuning) stays in Rancher's YAML editor.
 */
export const RANCHER_ADVANCED_PATHS: readonly string[] = [
  'global.hub', 'global.tag', 'global.imagePullPolicy', 'mesh.outboundTrafficPolicy', 'mesh.accessLogFile', 'mesh.enableAutoMtls',
  'cni.enabled', 'ambient.enabled', 'istiod.autoscale.min', 'istiod.autoscale.max',
];

/** The questions of every section, dependent fields nested as Rancher nests them. */
export function rancherQuestions(model: ObjectSetting<any>): RancherQuestion[] {
  const questions: RancherQuestion[] = [];
  const byPath = new Map<string, { question: RancherQuestion; parent?: RancherQuestion }>();
  for (const section of FORM_SECTIONS) {
    const paths = section.ack ? section.paths : RANCHER_ADVANCED_PATHS;
    for (const path of paths) {
      const setting = settingAt(model, path);
      if (setting === undefined) throw new Error(`questions.yaml: no setting ${path}`);
      const question = questionOf(path, setting, section.title);
      if (question === undefined) continue;
      place(question, setting, questions, byPath);
    }
  }
  return questions;
}

/**
 * Puts a question where its `showIf` says: under a boolean question as a subquestion, or with a
 * `show_if` next to the question it depends on (subquestions cannot have subquestions).
 */
function place(
  question: RancherQuestion,
  setting: Setting<any>,
  questions: RancherQuestion[],
  byPath: Map<string, { question: RancherQuestion; parent?: RancherQuestion }>,
): void {
  const condition = setting.docs.form.showIf;
  const { group: _group, ...ungrouped } = question;
  if (condition === undefined) {
    questions.push(question);
    byPath.set(question.variable, { question });
    return;
  }
  const target = byPath.get(condition.path);
  if (target === undefined) throw new Error(`questions.yaml: ${question.variable} depends on ${condition.path}, which has no question before it`);
  if (target.parent === undefined && condition.equals === true && target.question.type === 'boolean') {
    (target.question as { show_subquestion_if?: string }).show_subquestion_if = 'true';
    target.question.subquestions = [...(target.question.subquestions ?? []), ungrouped];
    byPath.set(question.variable, { question: ungrouped, parent: target.question });
    return;
  }
  const dependent = { ...ungrouped, show_if: `${condition.path}=${String(condition.equals)}` };
  if (target.parent !== undefined) {
    target.parent.subquestions!.push(dependent);
    byPath.set(question.variable, { question: dependent, parent: target.parent });
  } else {
    questions.push({ ...dependent, group: question.group });
    byPath.set(question.variable, { question: dependent });
  }
}

/** One question, or undefined for a setting Rancher cannot edit (lists of objects, maps). */
function questionOf(path: string, setting: Setting<any>, group: string): RancherQuestion | undefined {
  const common = { variable: path, label: setting.docs.form.title, description: setting.docs.description };
  if (setting instanceof BooleanSetting) return { ...common, type: 'boolean', default: String(setting.default), group };
  if (setting instanceof EnumSetting) return { ...common, type: 'enum', options: [...setting.members], default: setting.default, group };
  if (setting instanceof NumberSetting) {
    const { minimum, maximum } = setting.options;
    return {
      ...common,
      type: setting.integer ? 'int' : 'float',
      ...(setting.defaultValue() !== undefined ? { default: String(setting.defaultValue()) } : {}),
      group,
      ...(minimum !== undefined ? { min: minimum } : {}),
      ...(maximum !== undefined ? { max: maximum } : {}),
    };
  }
  if (setting instanceof StringSetting) {
    const { pattern, secret } = setting.options;
    return {
      ...common,
      type: secret ? 'password' : 'string',
      default: setting.default,
      group,
      ...(pattern && !secret ? { valid_chars: setting.allowEmpty ? `^(?:${pattern.source})?$` : `^(?:${pattern.source})$` } : {}),
    };
  }
  if (setting instanceof ListSetting && setting.items instanceof StringSetting) {
    // The dashboard's list editor edits strings; the default is written as Rancher's legacy answers were.
    return { ...common, type: 'array[string]', default: (setting.defaultValue() as readonly string[]).join(','), group };
  }
  return undefined;
}

/** questions.yaml. */
export function questionsYaml(model: ObjectSetting<any>, header: string): string {
  return `${header.trimEnd()}\n${toKubernetesYaml({ questions: rancherQuestions(model) })}`;
}

/** app-readme.md: the short text Rancher shows above the form. */
export function appReadme(istioVersion: string): string {
  return `# Istio ${istioVersion} (istio-pack)

Istio service mesh: CRDs, istiod, ingress/egress gateways, optional CNI and ambient mode, and the
Prometheus, Grafana, Jaeger and Kiali addons, hardened (non-root, read-only root file system).

The form follows Alibaba Cloud ACK's "Deploy Istio" form: monitoring, sidecar injection, Kiali with
user name and password, tracing, egress control and gateways. Gateway lists and everything else are
edited in the YAML view. Install into namespace \`istio-system\` with release name \`istio\`.
`;
}
