import { FORM_SECTIONS, formRank, sectionOf } from '../src/values/form-sections';
import { VALUES_MODEL } from '../src/values/model';
import { EnumSetting, Setting } from '../src/values/schema';
import { forEachSetting, settingAt } from '../src/values/setting-paths';

/**
 * The form metadata of the model (titles, Chinese titles, sections) that questions.yaml,
 * values.schema.json and the console page are generated from.
 */

/** Settings of the ACK console's "Deploy Istio" form (reference console-and-gitops.md §2) and their paths here. */
const ACK_FIELDS = [
  'addons.prometheus.enabled', 'addons.grafana.enabled', 'sidecarInjection.enabled',
  'addons.kiali.enabled', 'addons.kiali.auth.strategy', 'addons.kiali.auth.basic.htpasswd', 'addons.kiali.auth.basic.htpasswdSecret.name',
  'addons.jaeger.enabled', 'tracing.enabled', 'tracing.endpoint', 'tracing.sampling',
  'trafficCapture.excludeIPRanges', 'trafficCapture.includeIPRanges',
  'gateways.ingress', 'gateways.ingress[].gatewayName', 'gateways.ingress[].replicaCount', 'gateways.ingress[].minReplicas',
  'gateways.ingress[].maxReplicas', 'gateways.ingress[].ports', 'gateways.ingress[].ports[].nodePort', 'gateways.ingress[].ports[].port',
  'gateways.ingress[].serviceType', 'gateways.ingress[].serviceAnnotations',
];

describe('form metadata in the values model', () => {
  test('every setting has a human title, not its key', () => {
    // GIVEN
    const problems: string[] = [];

    // WHEN
    forEachSetting(VALUES_MODEL, (path, setting) => {
      const title = setting.docs.form.title;
      const key = path.split(/[.[\]*]+/).filter(Boolean).pop() ?? '';
      if (!/^[A-Za-z0-9]/.test(title) || title.trim() !== title) problems.push(`${path}: title ${JSON.stringify(title)}`);
      if (key.length > 3 && title === key) problems.push(`${path}: title is the raw key`);
    });

    // THEN
    expect(problems).toEqual([]);
  });

  test('the ACK console fields have a Simplified Chinese title', () => {
    for (const path of ACK_FIELDS) {
      const setting = settingAt(VALUES_MODEL, path);
      expect({ path, found: setting !== undefined }).toEqual({ path, found: true });
      expect({ path, titleZh: /[\u4e00-\u9fff]/.test(setting!.docs.form.titleZh ?? '') }).toEqual({ path, titleZh: true });
    }
  });

  test('choice titles name members of the enum only, and every "" member has one', () => {
    const problems: string[] = [];
    forEachSetting(VALUES_MODEL, (path, setting: Setting<any>) => {
      const titles = setting.docs.form.choiceTitles;
      if (titles && !(setting instanceof EnumSetting)) problems.push(`${path}: choice titles on a ${setting.kind}`);
      if (setting instanceof EnumSetting) {
        for (const member of Object.keys(titles ?? {})) if (!setting.members.includes(member)) problems.push(`${path}: ${member} is no member`);
        if (setting.members.includes('') && titles?.[''] === undefined) problems.push(`${path}: "" has no title`);
      }
    });
    expect(problems).toEqual([]);
  });

  test('every showIf names a boolean or enum setting outside lists, with a value it can take', () => {
    const conditions: string[] = [];
    forEachSetting(VALUES_MODEL, (path, setting) => {
      const condition = setting.docs.form.showIf;
      if (condition === undefined) return;
      conditions.push(`${path} <- ${condition.path}=${String(condition.equals)}`);
      const target = settingAt(VALUES_MODEL, condition.path);
      expect({ path, target: target?.kind }).toEqual({ path, target: typeof condition.equals === 'boolean' ? 'boolean' : 'enum' });
      if (target instanceof EnumSetting) expect(target.members).toContain(condition.equals);
      expect(condition.path).not.toContain('[');
    });
    expect(conditions).toContain('addons.kiali.auth.strategy <- addons.kiali.enabled=true');
  });

  test('sections: every path named is a setting, ACK sections first, every setting lands in one', () => {
    // THEN: named paths exist
    for (const section of FORM_SECTIONS) {
      for (const path of section.paths) expect({ path, found: settingAt(VALUES_MODEL, path) !== undefined }).toEqual({ path, found: true });
    }
    // ACK sections precede the generated rest
    const flags = FORM_SECTIONS.map((section) => section.ack);
    expect(flags).toEqual([...flags.filter(Boolean), ...flags.filter((flag) => !flag)]);
    expect(FORM_SECTIONS.at(-1)!.id).toBe('advanced');
    // every setting has a section, the ACK fields an ACK one
    forEachSetting(VALUES_MODEL, (path) => {
      if (path !== '') expect(() => sectionOf(path)).not.toThrow();
    });
    for (const path of ACK_FIELDS) expect({ path, ack: sectionOf(path).ack }).toEqual({ path, ack: true });
    expect(sectionOf('global.hub').id).toBe('advanced');
    expect(sectionOf('addons.kiali.image').id).toBe('advanced');
    expect(sectionOf('gateways.ingress[0].ports[1].nodePort').id).toBe('gateways');
  });

  test('form rank orders Prometheus before Kiali, and a parent by its first ACK child', () => {
    expect(formRank('addons.prometheus.enabled') < formRank('addons.kiali.enabled')).toBe(true);
    expect(formRank('addons')).toEqual(formRank('addons.prometheus.enabled'));
    expect(formRank('global')[0]).toBe(FORM_SECTIONS.length - 1);
  });
});
