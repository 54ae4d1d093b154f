/**
 * The istio-pack console page: plain DOM, no framework (the page is one form, four outputs and a list;
 * a framework would only add weight to the bundle that already carries the generator). All the
 * knowledge lives in the bundled model and generator: ConsoleState validates with resolveValues and
 * previews with renderProfile, exactly as `synth` does.
 */
import * as yaml from 'js-yaml';
import { sectionOf } from '../../values/form-sections';
import { BooleanSetting, EnumSetting, FreeFormSetting, ListSetting, MapSetting, NumberSetting, ObjectSetting, Setting, StringSetting, ValueIssue } from '../../values/schema';
import { CONSOLE_PROFILES, ConsoleState, HELM_COMMAND, Preview, PreviewObject, formatPath, parsePath, settingAt } from '../console-state';
import { ConsoleSection, Language, choiceTitle, consoleSections, fieldTitle, isHidden, sectionTitle, showCondition } from '../form-labels';
import { text } from './texts';

/** A field on the page: its row (for errors and marks) and how to refresh its input from the state. */
interface FieldView {
  readonly row: HTMLElement;
  readonly error: HTMLElement;
  /** Paths whose problems show at this field (its own, and those below it for composite inputs). */
  readonly covers: 'self' | 'subtree';
}

/** Fields of a gateway shown first; the rest go under "More settings". */
const GATEWAY_MAIN_FIELDS = ['enabled', 'gatewayName', 'serviceType', 'replicaCount', 'autoscaleEnabled', 'minReplicas', 'maxReplicas', 'ports', 'serviceAnnotations'];

const PREVIEW_DELAY_MS = 30;

class ConsoleApp {
  private readonly state = new ConsoleState('default');
  private language: Language = /^zh\b/.test(navigator.language) ? 'zh' : 'en';
  private fields = new Map<string, FieldView>();
  /** Fields whose text cannot be read (YAML that does not parse): message per path. */
  private readonly inputErrors = new Map<string, string>();
  private issues: readonly ValueIssue[] = [];
  private renderError?: string;
  private preview?: Preview;
  private previewTimer?: ReturnType<typeof setTimeout>;
  private previewGeneration = 0;
  private selected?: { kind: 'object'; key: string } | { kind: 'file'; name: string };
  private activeTab: 'values' | 'helm' | 'gitops' | 'preview' = 'values';
  private gitopsName = 'my-istio';
  private changedOnly = false;
  private importError?: string;

  constructor(private readonly root: HTMLElement) {}

  public start(): void {
    this.renderAll();
    (window as any).istioPackConsole = this;
  }

  /** For tests and the benchmark: the state and the last preview. */
  public get snapshot(): { profile: string; overlay: unknown; issues: readonly ValueIssue[]; preview?: Preview; generation: number } {
    return { profile: this.state.profile.name, overlay: this.state.overlay, issues: this.issues, preview: this.preview, generation: this.previewGeneration };
  }

  // ------------------------------------------------------------------ layout

  private renderAll(): void {
    document.documentElement.lang = this.language === 'zh' ? 'zh-CN' : 'en';
    this.root.replaceChildren(this.header(), el('main', {}, [this.formPanel(), this.outputPanel()]));
    this.showPreview();
    this.refresh();
  }

  private header(): HTMLElement {
    const profile = el('select', { id: 'profile', 'aria-label': text('profile', this.language) }, CONSOLE_PROFILES.map((p) => {
      const option = el('option', { value: p.name }, [p.name]);
      option.title = p.description;
      return option;
    })) as HTMLSelectElement;
    profile.value = this.state.profile.name;
    profile.addEventListener('change', () => {
      this.state.setProfile(profile.value);
      this.renderAll();
    });
    const file = el('input', { type: 'file', id: 'import-file', accept: '.yaml,.yml,text/yaml', hidden: '' }) as HTMLInputElement;
    file.addEventListener('change', async () => {
      const chosen = file.files?.[0];
      if (chosen) this.importText(await chosen.text(), chosen.name);
      file.value = '';
    });
    const importButton = button(text('importFile', this.language), () => file.click(), { id: 'import' });
    const pasteButton = button(text('paste', this.language), () => this.pasteDialog(), { id: 'paste' });
    const languageButton = button(text('language', this.language), () => {
      this.language = this.language === 'en' ? 'zh' : 'en';
      this.renderAll();
    }, { id: 'language' });
    const banner = this.importError ? el('div', { class: 'banner error', id: 'import-error' }, [this.importError]) : el('span');
    return el('header', {}, [
      el('h1', {}, [text('title', this.language), el('span', { class: 'muted' }, [' · Istio 1.30.3'])]),
      el('label', { class: 'profile' }, [text('profile', this.language), ' ', profile]),
      importButton, file, pasteButton, languageButton, banner,
    ]);
  }

  private pasteDialog(): void {
    const area = el('textarea', { id: 'paste-text', rows: '16', spellcheck: 'false' }) as HTMLTextAreaElement;
    const dialog = el('dialog', { id: 'paste-dialog' }) as HTMLDialogElement;
    dialog.append(
      el('p', {}, [text('pasteHelp', this.language)]), area,
      el('div', { class: 'actions' }, [
        button(text('importButton', this.language), () => {
          dialog.close();
          dialog.remove();
          this.importText(area.value, 'pasted values');
        }, { id: 'paste-import' }),
        button(text('cancel', this.language), () => {
          dialog.close();
          dialog.remove();
        }),
      ]),
    );
    document.body.append(dialog);
    dialog.showModal();
  }

  private importText(content: string, source: string): void {
    try {
      this.state.importText(content, source);
      this.importError = undefined;
    } catch (error) {
      this.importError = (error as Error).message;
    }
    this.renderAll();
  }

  // ------------------------------------------------------------------ form

  private formPanel(): HTMLElement {
    this.fields = new Map();
    const panel = el('section', { id: 'form', class: 'form' });
    const advanced: HTMLElement[] = [];
    for (const section of consoleSections()) {
      if (section.ack) {
        const box = el('fieldset', { class: 'section', id: `section-${section.id}` }, [el('legend', {}, [sectionTitle(section, this.language)])]);
        for (const path of section.paths) this.renderField(box, path, section);
        panel.append(box);
      } else {
        const box = el('details', { class: 'section advanced', id: `section-${section.id}` }, [el('summary', {}, [sectionTitle(section, this.language)])]);
        for (const path of section.paths) {
          const group = el('details', { class: 'group', 'data-group': path });
          const before = group.childElementCount;
          const setting = settingAt(parsePath(path)) as Setting<any>;
          group.append(el('summary', {}, [fieldTitle(setting, path, this.language)]));
          if (setting instanceof ObjectSetting) this.renderChildren(group, path, section);
          else if (this.inSection(path, section)) this.renderField(group, path, section);
          if (group.childElementCount > before + 1) box.append(group);
        }
        advanced.push(box);
      }
    }
    panel.append(...advanced);
    return panel;
  }

  /** True when `path` is shown by `section` (and not by an earlier one). */
  private inSection(path: string, section: ConsoleSection): boolean {
    return sectionOf(path).id === section.id;
  }

  private renderChildren(container: HTMLElement, path: string, section: ConsoleSection): void {
    const setting = settingAt(parsePath(path));
    if (!(setting instanceof ObjectSetting)) return;
    for (const key of Object.keys(setting.properties)) {
      const child = path === '' ? key : `${path}.${key}`;
      const childSetting = (setting.properties as Record<string, Setting<any>>)[key];
      if (isHidden(childSetting)) continue;
      if (childSetting instanceof ObjectSetting) {
        if (!this.covers(child, section)) continue;
        const box = el('fieldset', { class: 'object', 'data-path': child }, [el('legend', {}, [fieldTitle(childSetting, key, this.language)])]);
        this.renderChildren(box, child, section);
        if (box.childElementCount > 1) container.append(box);
      } else if (this.inSection(child, section)) {
        this.renderField(container, child, section);
      }
    }
  }

  /** True when some setting at or below `path` belongs to `section`. */
  private covers(path: string, section: ConsoleSection): boolean {
    const setting = settingAt(parsePath(path));
    if (!(setting instanceof ObjectSetting)) return this.inSection(path, section);
    return Object.keys(setting.properties).some((key) => this.covers(`${path}.${key}`, section));
  }

  private renderField(container: HTMLElement, path: string, section: ConsoleSection): void {
    const steps = parsePath(path);
    const setting = settingAt(steps);
    if (!setting || isHidden(setting)) return;
    const key = String([...steps].reverse().find((step) => typeof step === 'string'));
    if (setting instanceof ObjectSetting) {
      const box = el('fieldset', { class: 'object', 'data-path': path }, [el('legend', {}, [fieldTitle(setting, key, this.language)])]);
      this.renderChildren(box, path, section);
      container.append(box);
      return;
    }
    if (setting instanceof ListSetting && setting.items instanceof ObjectSetting) {
      container.append(this.objectList(path, setting, key, section));
      return;
    }
    const title = fieldTitle(setting, key, this.language);
    const input = this.input(path, setting);
    const error = el('div', { class: 'error', role: 'alert' });
    const reset = button('↺', () => {
      this.state.setValue(path, undefined);
      this.inputErrors.delete(path);
      this.renderAll();
    }, { class: 'reset', title: text('reset', this.language), 'aria-label': text('reset', this.language) });
    const label = el('label', { for: inputId(path) }, [title]);
    const row = el('div', { class: `field ${setting.kind}`, 'data-path': path }, [
      el('div', { class: 'label' }, [label, el('code', { class: 'path' }, [path]), el('span', { class: 'mark' }, [text('changed', this.language)]), reset]),
      input,
      el('div', { class: 'help' }, [setting.docs.description]),
      error,
    ]);
    const composite = setting instanceof ListSetting || setting instanceof MapSetting || setting instanceof FreeFormSetting;
    this.fields.set(path, { row, error, covers: composite ? 'subtree' : 'self' });
    container.append(row);
  }

  /** A list of objects (gateways, ports): one box per item, add and remove buttons. */
  private objectList(path: string, setting: ListSetting<any>, key: string, section: ConsoleSection): HTMLElement {
    const items = setting.items as ObjectSetting<any>;
    // A list inside a list item (a gateway's ports) is shown compact: one line per item.
    const compact = /\]\./.test(path);
    const box = el('fieldset', { class: compact ? 'list compact' : 'list', 'data-path': path }, [el('legend', {}, [fieldTitle(setting, key, this.language)])]);
    const error = el('div', { class: 'error', role: 'alert' });
    box.append(error);
    this.fields.set(path, { row: box, error, covers: 'self' });
    const count = this.state.listLength(path);
    const isGateway = /^gateways\.(ingress|egress)$/.test(path);
    for (let index = 0; index < count; index++) {
      const itemPath = `${path}[${index}]`;
      const name = isGateway ? String(this.state.valueAt(`${itemPath}.gatewayName`) ?? '') : '';
      const item = el('fieldset', { class: this.state.isInNewItem(itemPath) ? 'item new' : 'item', 'data-path': itemPath }, [
        el('legend', {}, [`${fieldTitle(items, key, this.language)} ${index + 1}${name ? `: ${name}` : ''}`]),
        button(text('remove', this.language), () => {
          this.state.removeItem(path, index);
          this.renderAll();
        }, { class: 'remove', 'data-remove': itemPath }),
      ]);
      const more = el('details', { class: 'more' }, [el('summary', {}, [text('more', this.language)])]);
      for (const field of Object.keys(items.properties)) {
        const target = isGateway && !GATEWAY_MAIN_FIELDS.includes(field) ? more : item;
        this.renderField(target, `${itemPath}.${field}`, section);
      }
      if (more.childElementCount > 1) item.append(more);
      box.append(item);
    }
    box.append(button(`${text('add', this.language)}: ${fieldTitle(items, key, this.language)}`, () => {
      this.state.addItem(path);
      this.renderAll();
    }, { class: 'add', 'data-add': path }));
    return box;
  }

  /** The input element of a field, wired to the state. */
  private input(path: string, setting: Setting<any>): HTMLElement {
    const id = inputId(path);
    const value = this.state.valueAt(path);
    const commit = (next: unknown) => {
      this.inputErrors.delete(path);
      this.state.setValue(path, next);
      this.refresh();
    };
    if (setting instanceof BooleanSetting) {
      const box = el('input', { type: 'checkbox', id, name: path }) as HTMLInputElement;
      box.checked = value === true;
      box.addEventListener('change', () => {
        commit(box.checked);
        this.renderAll();
      });
      return box;
    }
    if (setting instanceof EnumSetting) {
      const select = el('select', { id, name: path }, setting.members.map((member: string) => el('option', { value: member }, [choiceTitle(setting, member)]))) as HTMLSelectElement;
      select.value = String(value ?? '');
      select.addEventListener('change', () => {
        commit(select.value);
        this.renderAll();
      });
      return select;
    }
    if (setting instanceof NumberSetting) {
      const field = el('input', { type: 'number', id, name: path, step: setting.integer ? '1' : 'any' }) as HTMLInputElement;
      if (setting.options.minimum !== undefined) field.min = String(setting.options.allowZero ? 0 : setting.options.minimum);
      if (setting.options.maximum !== undefined) field.max = String(setting.options.maximum);
      field.value = value === undefined ? '' : String(value);
      field.addEventListener('input', () => commit(field.value.trim() === '' ? undefined : Number(field.value)));
      return field;
    }
    if (setting instanceof StringSetting) {
      const field = el('input', { type: setting.options.secret ? 'password' : 'text', id, name: path, spellcheck: 'false', autocomplete: 'off' }) as HTMLInputElement;
      field.value = typeof value === 'string' ? value : value === undefined ? '' : String(value);
      field.addEventListener('input', () => commit(field.value));
      return field;
    }
    if (path === 'trafficCapture.includeIPRanges') return this.rangesWithAll(path, setting as ListSetting<any>, value);
    if (setting instanceof ListSetting) {
      const area = el('textarea', { id, name: path, rows: '3', spellcheck: 'false', placeholder: text('oneLine', this.language) }) as HTMLTextAreaElement;
      area.value = Array.isArray(value) ? value.join('\n') : '';
      area.addEventListener('input', () => commit(parseList(area.value, setting)));
      return area;
    }
    // Maps (annotations, env, node selectors) and free-form values: edited as YAML.
    const area = el('textarea', { id, name: path, rows: '3', spellcheck: 'false', class: 'yaml', placeholder: text('yamlMap', this.language) }) as HTMLTextAreaElement;
    area.value = isEmpty(value) ? '' : yaml.dump(value, { lineWidth: -1, noRefs: true }).trimEnd();
    area.addEventListener('input', () => {
      if (area.value.trim() === '') {
        commit(undefined);
        return;
      }
      try {
        commit(yaml.load(area.value, { schema: yaml.JSON_SCHEMA }));
      } catch (error) {
        this.inputErrors.set(path, `not valid YAML: ${(error as Error).message.split('\n')[0]}`);
        this.refresh();
      }
    });
    return area;
  }

  /** The ACK "blocked addresses" field: an ALL checkbox (["*"]) or a list of CIDRs. */
  private rangesWithAll(path: string, setting: ListSetting<any>, value: unknown): HTMLElement {
    const list = Array.isArray(value) ? value.map(String) : [];
    const all = el('input', { type: 'checkbox', id: `${inputId(path)}-all`, name: `${path}:all` }) as HTMLInputElement;
    all.checked = list.length === 1 && list[0] === '*';
    const area = el('textarea', { id: inputId(path), name: path, rows: '3', spellcheck: 'false', placeholder: text('oneLine', this.language) }) as HTMLTextAreaElement;
    area.value = all.checked ? '' : list.join('\n');
    area.disabled = all.checked;
    all.addEventListener('change', () => {
      area.disabled = all.checked;
      this.inputErrors.delete(path);
      this.state.setValue(path, all.checked ? ['*'] : parseList(area.value, setting));
      this.refresh();
    });
    area.addEventListener('input', () => {
      this.state.setValue(path, parseList(area.value, setting));
      this.refresh();
    });
    return el('div', { class: 'ranges' }, [el('label', { class: 'all' }, [all, ' ', text('all', this.language)]), area]);
  }

  // ------------------------------------------------------------------ outputs

  private outputPanel(): HTMLElement {
    const tabs: Array<[typeof this.activeTab, string]> = [['values', text('valuesTab', this.language)], ['helm', text('helmTab', this.language)], ['gitops', text('gitopsTab', this.language)], ['preview', text('previewTab', this.language)]];
    const bar = el('div', { class: 'tabs', role: 'tablist' }, tabs.map(([id, label]) => {
      const tab = button(label, () => {
        this.activeTab = id;
        this.root.querySelectorAll('.tabs button').forEach((b) => b.classList.toggle('active', b.getAttribute('data-tab') === id));
        this.root.querySelectorAll('.tab').forEach((panel) => ((panel as HTMLElement).hidden = panel.id !== `tab-${id}`));
      }, { 'data-tab': id, role: 'tab' });
      tab.classList.toggle('active', id === this.activeTab);
      return tab;
    }));
    const nameInput = el('input', { type: 'text', id: 'gitops-name', value: this.gitopsName, spellcheck: 'false' }) as HTMLInputElement;
    nameInput.addEventListener('input', () => {
      this.gitopsName = nameInput.value;
      this.refresh();
    });
    const panel = el('section', { id: 'outputs', class: 'outputs' }, [
      el('div', { id: 'status', role: 'status' }),
      bar,
      el('div', { class: 'tab', id: 'tab-values' }, [
        el('div', { class: 'actions' }, [
          button(text('copy', this.language), (event) => this.copy('values-yaml', event), { id: 'copy-values', class: 'export' }),
          button(text('download', this.language), () => this.download('values.yaml', 'values-yaml'), { id: 'download-values', class: 'export' }),
          el('span', { id: 'imported-note', class: 'muted' }),
        ]),
        el('pre', { id: 'values-yaml', class: 'code' }),
      ]),
      el('div', { class: 'tab', id: 'tab-helm' }, [
        el('p', {}, [text('helmHelp', this.language)]),
        el('pre', { id: 'helm-command', class: 'code' }, [HELM_COMMAND]),
        el('div', { class: 'actions' }, [button(text('copy', this.language), (event) => this.copy('helm-command', event), { id: 'copy-helm', class: 'export' })]),
      ]),
      el('div', { class: 'tab', id: 'tab-gitops' }, [
        el('p', {}, [text('gitopsHelp', this.language)]),
        el('label', {}, [text('profileName', this.language), ' ', nameInput]),
        el('div', { class: 'error', id: 'gitops-name-error' }),
        el('div', { class: 'actions' }, [
          button(text('copy', this.language), (event) => this.copy('profile-yaml', event), { id: 'copy-profile', class: 'export' }),
          button(text('download', this.language), () => this.download(`${this.gitopsName}.yaml`, 'profile-yaml'), { id: 'download-profile', class: 'export' }),
        ]),
        el('pre', { id: 'profile-yaml', class: 'code' }),
      ]),
      el('div', { class: 'tab', id: 'tab-preview' }, [
        el('div', { class: 'actions' }, [
          el('span', { id: 'preview-summary' }),
          el('label', {}, [checkbox('changed-only', this.changedOnly, (checked) => {
            this.changedOnly = checked;
            this.showPreview();
          }), ' ', text('changedOnly', this.language)]),
        ]),
        el('div', { class: 'preview' }, [
          el('div', { class: 'objects-wrap' }, [el('table', { id: 'objects' })]),
          el('pre', { id: 'object-yaml', class: 'code' }, [text('selectObject', this.language)]),
        ]),
      ]),
    ]);
    panel.querySelectorAll('.tab').forEach((tab) => ((tab as HTMLElement).hidden = tab.id !== `tab-${this.activeTab}`));
    return panel;
  }

  /** Validates, marks fields and errors, updates the exports; the preview follows shortly after. */
  private refresh(): void {
    const check = this.state.check();
    this.issues = check.issues;
    this.renderError = undefined;
    const problems: Array<{ path: string; message: string }> = [
      ...[...this.inputErrors].map(([path, message]) => ({ path, message })),
      ...this.issues.map((issue) => ({ path: issue.path, message: issue.message })),
    ];
    for (const [path, view] of this.fields) {
      const own = problems.filter((problem) => this.fieldFor(problem.path) === path);
      view.error.textContent = own.map((problem) => `${problem.path}: ${problem.message}`).join('\n');
      view.row.classList.toggle('invalid', own.length > 0);
      // Inside an item the profile does not have, every field differs: the item is marked instead.
      view.row.classList.toggle('changed', this.state.isChanged(path) && !this.state.isInNewItem(path));
      view.row.hidden = !this.visible(path);
    }
    this.showStatus(problems);
    this.showExports(problems.length === 0);
    if (problems.length === 0) this.schedulePreview();
  }

  /** The field a problem at `path` shows at: the field itself, or the nearest composite field above it. */
  private fieldFor(path: string): string | undefined {
    let steps = parsePath(path);
    while (steps.length > 0) {
      const candidate = formatPath(steps);
      const view = this.fields.get(candidate);
      if (view && (candidate === path || view.covers === 'subtree' || this.fields.get(candidate)?.row.classList.contains('list'))) return candidate;
      steps = steps.slice(0, -1);
    }
    return undefined;
  }

  /** Fields shown only when they matter: the model's `showIf`, a hidden parent's fields, node ports off ClusterIP. */
  private visible(path: string): boolean {
    const condition = showCondition(settingAt(parsePath(path)) as Setting<any>);
    if (condition && this.state.valueAt(condition.path) !== condition.equals) return false;
    if (path.startsWith('addons.kiali.auth.') && this.state.valueAt('addons.kiali.enabled') !== true) return false;
    const nodePort = /^(gateways\.(?:ingress|egress)\[\d+\])\.ports\[\d+\]\.nodePort$/.exec(path);
    if (nodePort) return this.state.valueAt(`${nodePort[1]}.serviceType`) !== 'ClusterIP' || this.state.valueAt(path) !== undefined;
    return true;
  }

  private showStatus(problems: ReadonlyArray<{ path: string; message: string }>): void {
    const status = this.root.querySelector('#status') as HTMLElement;
    if (problems.length === 0 && !this.renderError) {
      status.className = 'ok';
      status.replaceChildren(`✓ ${text('valid', this.language)}`);
      return;
    }
    status.className = 'bad';
    const list = el('ul', {}, problems.map((problem) => {
      const link = el('a', { href: '#' }, [`${problem.path}: ${problem.message}`]);
      link.addEventListener('click', (event) => {
        event.preventDefault();
        const field = this.fieldFor(problem.path);
        const row = field ? this.fields.get(field)?.row : undefined;
        row?.scrollIntoView({ block: 'center' });
        (row?.querySelector('input,select,textarea') as HTMLElement | null)?.focus();
      });
      return el('li', {}, [link]);
    }));
    if (this.renderError) list.append(el('li', {}, [`${text('renderFailed', this.language)}: ${this.renderError}`]));
    status.replaceChildren(el('strong', {}, [`✗ ${problems.length + (this.renderError ? 1 : 0)} ${text('problems', this.language)}`]), list);
  }

  private showExports(valid: boolean): void {
    const nameProblem = this.state.profileNameProblem(this.gitopsName);
    (this.root.querySelector('#gitops-name-error') as HTMLElement).textContent = nameProblem ?? '';
    (this.root.querySelector('#values-yaml') as HTMLElement).textContent = this.state.valuesYaml();
    (this.root.querySelector('#profile-yaml') as HTMLElement).textContent = this.state.profileYaml(this.gitopsName);
    const untouched = this.state.valuesYaml().startsWith('# Helm values made with the istio-pack console') ? '' : text('importedUntouched', this.language);
    (this.root.querySelector('#imported-note') as HTMLElement).textContent = untouched;
    this.root.querySelectorAll<HTMLButtonElement>('button.export').forEach((b) => {
      b.disabled = !valid || !!this.renderError || (b.id.endsWith('-profile') && nameProblem !== undefined);
    });
    this.root.querySelectorAll('.outputs pre.code, .objects-wrap').forEach((pre) => pre.classList.toggle('stale', !valid));
  }

  private schedulePreview(): void {
    clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => {
      try {
        this.preview = this.state.preview();
        this.renderError = undefined;
      } catch (error) {
        this.renderError = (error as Error).message;
        this.showStatus([]);
        this.showExports(false);
      }
      this.previewGeneration += 1;
      this.showPreview();
      document.body.dataset.previewGeneration = String(this.previewGeneration);
    }, PREVIEW_DELAY_MS);
  }

  private showPreview(): void {
    const preview = this.preview;
    if (!preview) return;
    const objects = [...preview.objects, ...preview.removed];
    const count = (status: string) => objects.filter((object) => object.status === status).length;
    const t = (key: Parameters<typeof text>[0]) => text(key, this.language);
    (this.root.querySelector('#preview-summary') as HTMLElement).textContent =
      `${preview.objects.length} ${t('objects')} · ${count('added')} ${t('added')}, ${count('changed')} ${t('changed')}, ${count('removed')} ${t('removed')} ${t('against')} ${this.state.profile.name} · ${t('renderedIn')} ${Math.round(preview.milliseconds)} ms`;
    document.body.dataset.previewMs = String(preview.milliseconds);
    const table = this.root.querySelector('#objects') as HTMLElement;
    const rows: HTMLElement[] = [el('tr', {}, [t('file'), t('kind'), t('namespace'), t('name'), t('status')].map((h) => el('th', {}, [h])))];
    for (const file of [...preview.files.keys()]) {
      const shown = objects.filter((o) => o.file === file && !(this.changedOnly && o.status === 'unchanged'));
      if (this.changedOnly && shown.length === 0) continue;
      const fileRow = el('tr', { class: 'file', 'data-file': file }, [el('td', { colspan: '5' }, [file])]);
      fileRow.addEventListener('click', () => this.select({ kind: 'file', name: file }));
      rows.push(fileRow, ...shown.map((object) => this.objectRow(object)));
    }
    for (const object of preview.removed.filter((o) => !preview.files.has(o.file))) rows.push(this.objectRow(object));
    table.replaceChildren(...rows);
    this.showSelected();
  }

  private objectRow(object: PreviewObject): HTMLElement {
    const key = `${object.status === 'removed' ? 'removed:' : ''}${object.kind}/${object.namespace}/${object.name}`;
    const row = el('tr', { class: `object ${object.status}`, 'data-object': key }, [
      el('td', {}, ['']), el('td', {}, [object.kind]), el('td', {}, [object.namespace]), el('td', {}, [object.name]),
      el('td', { class: 'status' }, [text(object.status, this.language)]),
    ]);
    row.addEventListener('click', () => this.select({ kind: 'object', key }));
    return row;
  }

  private select(selection: NonNullable<typeof this.selected>): void {
    this.selected = selection;
    this.showSelected();
  }

  private showSelected(): void {
    const target = this.root.querySelector('#object-yaml') as HTMLElement;
    const preview = this.preview;
    if (!preview || !this.selected) return;
    this.root.querySelectorAll('#objects tr.selected').forEach((row) => row.classList.remove('selected'));
    if (this.selected.kind === 'file') {
      target.textContent = preview.files.get(this.selected.name) ?? '';
      this.root.querySelector(`#objects tr[data-file="${CSS.escape(this.selected.name)}"]`)?.classList.add('selected');
      return;
    }
    const key = this.selected.key;
    const object = [...preview.objects, ...preview.removed].find((o) => `${o.status === 'removed' ? 'removed:' : ''}${o.kind}/${o.namespace}/${o.name}` === key);
    target.textContent = object?.yaml ?? '';
    this.root.querySelector(`#objects tr[data-object="${CSS.escape(key)}"]`)?.classList.add('selected');
  }

  private copy(source: string, event: Event): void {
    const content = (this.root.querySelector(`#${source}`) as HTMLElement).textContent ?? '';
    const target = event.target as HTMLButtonElement;
    void navigator.clipboard?.writeText(content).then(() => {
      target.textContent = text('copied', this.language);
      setTimeout(() => (target.textContent = text('copy', this.language)), 1200);
    }, () => undefined);
  }

  private download(name: string, source: string): void {
    const content = (this.root.querySelector(`#${source}`) as HTMLElement).textContent ?? '';
    const link = el('a', { href: URL.createObjectURL(new Blob([content], { type: 'text/yaml' })), download: name }) as HTMLAnchorElement;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }
}

// -------------------------------------------------------------------- helpers

function el(tag: string, attributes: Record<string, string> = {}, children: Array<Node | string> = []): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

function button(label: string, onClick: (event: Event) => void, attributes: Record<string, string> = {}): HTMLButtonElement {
  const element = el('button', { type: 'button', ...attributes }, [label]) as HTMLButtonElement;
  element.addEventListener('click', onClick);
  return element;
}

function checkbox(id: string, checked: boolean, onChange: (checked: boolean) => void): HTMLInputElement {
  const box = el('input', { type: 'checkbox', id }) as HTMLInputElement;
  box.checked = checked;
  box.addEventListener('change', () => onChange(box.checked));
  return box;
}

function inputId(path: string): string {
  return `field-${path.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value as object).length === 0;
}

/** A list typed one item per line or comma separated; numbers for lists of numbers. */
function parseList(content: string, setting: ListSetting<any>): unknown[] {
  const items = content.split(/[\n,]/).map((item) => item.trim()).filter((item) => item !== '');
  if (setting.items instanceof NumberSetting) return items.map((item) => (/^-?\d+(\.\d+)?$/.test(item) ? Number(item) : item));
  return items;
}

new ConsoleApp(document.getElementById('app') as HTMLElement).start();
