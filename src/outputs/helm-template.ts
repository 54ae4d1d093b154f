import { plainUnion } from '../components/kube-objects';
import { isYaml11NonString, toKubernetesYaml } from '../values/kubernetes-yaml';
import { Guard, Loop, TemplateNode, TemplateSession, VALUES_VARIABLE, hasMarker } from '../values/template-binder';

/** A synthesised object and the guards (`if`/`range`) it was created under. */
export interface GuardedDocument {
  readonly object: Record<string, unknown>;
  readonly guards: readonly Guard[];
}

/** Names of the helpers in the chart's `_helpers.tpl` that generated templates call. */
export const HELPERS = {
  /** `(list base overlay nullRemoves)` → JSON of overlay merged over base; maps merge, lists replace. */
  merge: 'istio-pack.merge',
  /** `$` → JSON of `.Values` layered over the values model's defaults. */
  values: 'istio-pack.values',
};

/** First statement of every template that reads values: binds {@link VALUES_VARIABLE}. */
export const VALUES_STATEMENT = `{{- ${VALUES_VARIABLE} := include "${HELPERS.values}" $ | fromJson }}`;

/** Template expression: a list item completed with the model's defaults for it. */
export function withDefaults(defaultsJson: string, item: string): string {
  return `include "${HELPERS.merge}" (list (fromJson ${JSON.stringify(defaultsJson)}) ${item} false) | fromJson`;
}

/**
 * Writes Go template text (Helm's dialect: text/template + sprig) for objects synthesised in template
 * mode. Static structure is written as block YAML; conditional and repeated parts become
 * `{{- if }}`/`{{- range }}` lines; value leaves become `{{ toJson <expr> }}`; structures that cannot be
 * written as lines (merged maps, serialised payloads) are built with template statements first.
 */
export class HelmTemplateWriter {
  constructor(private readonly session: TemplateSession) {}

  /** The template text of `documents`, each after a `---` line, nested in their guards. */
  public documents(documents: readonly GuardedDocument[]): string {
    const lines: string[] = [];
    let open: readonly Guard[] = [];
    for (const document of documents) {
      const common = commonPrefix(open, document.guards);
      for (let i = open.length - 1; i >= common; i--) lines.push(...this.closeGuard(open[i]));
      for (let i = common; i < document.guards.length; i++) lines.push(...this.openGuard(document.guards[i]));
      open = document.guards;
      lines.push('---');
      this.mapEntries(document.object, 0, lines);
    }
    for (let i = open.length - 1; i >= 0; i--) lines.push(...this.closeGuard(open[i]));
    return `${lines.join('\n')}\n`;
  }

  // -- guards ----------------------------------------------------------------------------------

  private openGuard(guard: Guard): string[] {
    if (guard.kind === 'if') {
      const statements: string[] = [];
      const cond = this.expression(guard.cond, statements);
      return [...statements, `{{- if ${cond} }}`];
    }
    return this.openLoop(guard.loop);
  }

  private closeGuard(guard: Guard): string[] {
    return guard.kind === 'if' ? ['{{- end }}'] : this.closeLoop(guard.loop);
  }

  private openLoop(loop: Loop): string[] {
    const lines: string[] = [];
    const list = this.expression(loop.list, lines);
    const seen = `${loop.itemVar}seen`;
    if (loop.uniqueKey !== undefined) lines.push(`{{- ${seen} := dict }}`);
    if (loop.defaults !== undefined) {
      const raw = `${loop.itemVar}raw`;
      lines.push(`{{- range ${raw} := ${list} }}`);
      lines.push(`{{- ${loop.itemVar} := ${withDefaults(loop.defaults, raw)} }}`);
    } else {
      lines.push(`{{- range ${loop.itemVar} := ${list} }}`);
    }
    if (loop.where !== undefined) {
      const cond = this.expression(loop.where, lines);
      lines.push(`{{- if ${cond} }}`);
    }
    if (loop.uniqueKey !== undefined) {
      const key = this.expression(loop.uniqueKey, lines);
      lines.push(`{{- if not (hasKey ${seen} ${key}) }}`, `{{- $_ := set ${seen} ${key} true }}`);
    }
    return lines;
  }

  private closeLoop(loop: Loop): string[] {
    const ends = 1 + (loop.where !== undefined ? 1 : 0) + (loop.uniqueKey !== undefined ? 1 : 0);
    return Array.from({ length: ends }, () => '{{- end }}');
  }

  // -- block YAML --------------------------------------------------------------------------------

  private mapEntries(map: Record<string, unknown>, indent: number, lines: string[]): void {
    // An undefined field is left out, as cdk8s leaves it out of dist/ (typed objects name every optional field).
    for (const [key, value] of Object.entries(map)) if (value !== undefined) this.entry(key, value, indent, lines);
  }

  private entry(key: string, typedValue: unknown, indent: number, lines: string[]): void {
    const value = plainUnion(typedValue);
    const pad = ' '.repeat(indent);
    const keyText = this.keyText(key, lines);
    const node = this.session.nodeOf(value);
    if (node?.kind === 'optional') {
      this.conditional(node.cond, lines, () => this.entry(key, node.value, indent, lines));
      return;
    }
    if (node?.kind === 'choose') {
      this.conditional(node.cond, lines, () => this.entry(key, node.whenTrue, indent, lines), () => this.entry(key, node.whenFalse, indent, lines));
      return;
    }
    if (Array.isArray(value) && value.length > 0 && !value.every((item) => this.isConditional(item))) {
      lines.push(`${pad}${keyText}:`);
      for (const item of value) this.item(item, indent + 2, lines);
      return;
    }
    const blockMap = isPlainObject(value) && Object.keys(value).length > 0 && !Object.keys(value).some(hasMarker);
    if (blockMap && !Object.values(value).every((v) => this.isConditional(v))) {
      lines.push(`${pad}${keyText}:`);
      this.mapEntries(value, indent + 2, lines);
      return;
    }
    lines.push(`${pad}${keyText}: ${this.scalar(value, lines)}`);
  }

  private item(typedValue: unknown, indent: number, lines: string[]): void {
    const value = plainUnion(typedValue);
    const pad = ' '.repeat(indent);
    const node = this.session.nodeOf(value);
    if (node?.kind === 'optional') {
      this.conditional(node.cond, lines, () => this.item(node.value, indent, lines));
      return;
    }
    if (node?.kind === 'choose') {
      this.conditional(node.cond, lines, () => this.item(node.whenTrue, indent, lines), () => this.item(node.whenFalse, indent, lines));
      return;
    }
    if (node?.kind === 'each') {
      lines.push(...this.openLoop(node.loop));
      this.item(node.body, indent, lines);
      lines.push(...this.closeLoop(node.loop));
      return;
    }
    if (node?.kind === 'entries') {
      const map = this.expression(node.map, lines);
      lines.push(`{{- range ${node.keyVar}, ${node.valueVar} := ${map} }}`);
      this.item(node.body, indent, lines);
      lines.push('{{- end }}');
      return;
    }
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      // "-" on its own line keeps every entry, conditional ones included, at one indentation.
      lines.push(`${pad}-`);
      this.mapEntries(value, indent + 2, lines);
      return;
    }
    lines.push(`${pad}- ${this.scalar(value, lines)}`);
  }

  private conditional(cond: unknown, lines: string[], whenTrue: () => void, whenFalse?: () => void): void {
    const expression = this.expression(cond, lines);
    lines.push(`{{- if ${expression} }}`);
    whenTrue();
    if (whenFalse) {
      lines.push('{{- else }}');
      whenFalse();
    }
    lines.push('{{- end }}');
  }

  /** An entry or item that may render nothing: written as lines it could leave a key without value. */
  private isConditional(value: unknown): boolean {
    const kind = this.session.nodeOf(value)?.kind;
    return kind === 'optional' || kind === 'each' || kind === 'entries';
  }

  private keyText(key: string, lines: string[]): string {
    if (hasMarker(key)) return `{{ ${this.expression(key, lines)} | toJson }}`;
    return plainScalar(key);
  }

  /** A value on one line: plain YAML when static, `{{ toJson ... }}` when bound to values. */
  private scalar(value: unknown, lines: string[]): string {
    if (typeof value === 'string' && !hasMarker(value) && this.session.nodeOf(value) === undefined) {
      if (value.includes('{{') || value.includes('}}')) return `{{ ${JSON.stringify(value)} | toJson }}`;
      if (value.includes('\n')) return JSON.stringify(value);
      return plainScalar(value);
    }
    if (value === null || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
    if (Array.isArray(value) && value.length === 0) return '[]';
    if (isPlainObject(value) && Object.keys(value).length === 0) return '{}';
    return `{{ ${this.expression(value, lines)} | toJson }}`;
  }

  // -- expressions -------------------------------------------------------------------------------

  /**
   * A Go template expression for `value`. Statements it needs (building maps and lists with
   * conditional parts) are appended to `statements`, to be written before the line that uses it.
   */
  private expression(typedValue: unknown, statements: string[]): string {
    const value = plainUnion(typedValue);
    const node = this.session.nodeOf(value);
    if (node) return this.nodeExpression(node, statements);
    if (typeof value === 'string') return hasMarker(value) ? this.format(value, statements) : JSON.stringify(value);
    if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
    if (value === null || value === undefined) return 'nil';
    if (Array.isArray(value)) return this.listExpression(value, statements);
    if (isPlainObject(value)) return this.mapExpression(value, statements);
    throw new Error(`cannot write ${typeof value} into a template`);
  }

  private nodeExpression(node: TemplateNode, statements: string[]): string {
    switch (node.kind) {
      case 'expr':
        return node.go;
      case 'call': {
        const args = node.args.map((arg) => this.expression(arg, statements));
        if (node.fn === '') return args[0];
        const typed = node.numeric ? args.map((arg) => `(float64 ${arg})`) : args;
        return `(${node.fn} ${typed.join(' ')})`;
      }
      case 'choose': {
        const cond = this.expression(node.cond, statements);
        const whenTrue = this.expression(node.whenTrue, statements);
        const whenFalse = this.expression(node.whenFalse, statements);
        return `(ternary ${whenTrue} ${whenFalse} (not (not ${cond})))`;
      }
      case 'deepMerge': {
        const base = this.expression(node.base, statements);
        const overlay = this.expression(node.overlay, statements);
        return `(include "${HELPERS.merge}" (list ${base} ${overlay} true) | fromJson)`;
      }
      case 'yaml':
      case 'json':
        // The payload format of both modes: Go's json.MarshalIndent layout (src/values/go-json.ts).
        return `(toPrettyJson ${this.expression(node.value, statements)})`;
      case 'each':
      case 'entries':
        return this.listExpression([this.session.marker(node)], statements);
      case 'optional':
        throw new Error('an optional value must be a map entry or a list item');
      case 'spread':
        throw new Error('a spread map must be a key of an object');
    }
  }

  /** printf for a string with values inside: strings print as they are, other values as JSON. */
  private format(text: string, statements: string[]): string {
    let pattern = '';
    const args: string[] = [];
    for (const part of this.session.parts(text)) {
      if (typeof part === 'string') {
        pattern += part.replace(/%/g, '%%');
        continue;
      }
      const expression = this.nodeExpression(part, statements);
      const type = part.kind === 'expr' || part.kind === 'call' ? part.type : 'unknown';
      pattern += '%v';
      args.push(type === 'number' || type === 'boolean' || type === 'list' || type === 'map' ? `(toJson ${expression})` : expression);
    }
    return `(printf ${JSON.stringify(pattern)} ${args.join(' ')})`;
  }

  private listExpression(items: readonly unknown[], statements: string[]): string {
    if (!items.some((item) => this.needsStatements(item))) {
      return `(list ${items.map((item) => this.expression(item, statements)).join(' ')})`;
    }
    const variable = this.session.variable('l');
    statements.push(`{{- ${variable} := list }}`);
    for (const item of items) this.appendItem(variable, item, statements);
    return variable;
  }

  private appendItem(variable: string, typedItem: unknown, statements: string[]): void {
    const item = plainUnion(typedItem);
    const node = this.session.nodeOf(item);
    if (node?.kind === 'optional') {
      const cond = this.expression(node.cond, statements);
      statements.push(`{{- if ${cond} }}`);
      this.appendItem(variable, node.value, statements);
      statements.push('{{- end }}');
      return;
    }
    if (node?.kind === 'each') {
      statements.push(...this.openLoop(node.loop));
      this.appendItem(variable, node.body, statements);
      statements.push(...this.closeLoop(node.loop));
      return;
    }
    if (node?.kind === 'entries') {
      const map = this.expression(node.map, statements);
      statements.push(`{{- range ${node.keyVar}, ${node.valueVar} := ${map} }}`);
      this.appendItem(variable, node.body, statements);
      statements.push('{{- end }}');
      return;
    }
    const expression = this.expression(item, statements);
    statements.push(`{{- ${variable} = append ${variable} ${expression} }}`);
  }

  private mapExpression(map: Record<string, unknown>, statements: string[]): string {
    const entries = Object.entries(map).filter(([, value]) => value !== undefined);
    const simple = entries.filter(([key, value]) => !hasMarker(key) && !this.needsStatements(value));
    if (simple.length === entries.length) {
      return `(dict ${entries.map(([key, value]) => `${JSON.stringify(key)} ${this.expression(value, statements)}`).join(' ')})`;
    }
    const variable = this.session.variable('d');
    statements.push(`{{- ${variable} := dict }}`);
    const spreads = entries.filter(([key]) => this.session.nodeOf(key)?.kind === 'spread');
    for (const [key, value] of entries) if (!spreads.some(([spreadKey]) => spreadKey === key)) this.setEntry(variable, key, value, statements);
    // Spread maps come last, as `{ ...own, ...map }` does in the components.
    for (const [key] of spreads) {
      const node = this.session.nodeOf(key) as { kind: 'spread'; map: unknown };
      const map = this.expression(node.map, statements);
      const [k, v] = [this.session.variable('k'), this.session.variable('v')];
      statements.push(`{{- range ${k}, ${v} := ${map} }}`, `{{- $_ := set ${variable} ${k} ${v} }}`, '{{- end }}');
    }
    return variable;
  }

  private setEntry(variable: string, key: string, typedValue: unknown, statements: string[]): void {
    const value = plainUnion(typedValue);
    const node = this.session.nodeOf(value);
    if (node?.kind === 'optional') {
      const cond = this.expression(node.cond, statements);
      statements.push(`{{- if ${cond} }}`);
      this.setEntry(variable, key, node.value, statements);
      statements.push('{{- end }}');
      return;
    }
    const keyExpression = hasMarker(key) ? this.expression(key, statements) : JSON.stringify(key);
    const expression = this.expression(value, statements);
    statements.push(`{{- $_ := set ${variable} ${keyExpression} ${expression} }}`);
  }

  /** Values whose expression must be built with statements (conditional parts, loops). */
  private needsStatements(value: unknown): boolean {
    const node = this.session.nodeOf(value);
    if (node) return node.kind === 'optional' || node.kind === 'each' || node.kind === 'entries';
    if (Array.isArray(value)) return value.some((item) => this.needsStatements(item));
    if (isPlainObject(value)) return Object.entries(value).some(([key, v]) => hasMarker(key) || this.needsStatements(v));
    return false;
  }
}

/** A single-line string as a YAML scalar: unquoted when that is unambiguous, as the manifests' serialiser writes it otherwise. */
function plainScalar(text: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_./-]*$/.test(text) && !isYaml11NonString(text)) return text;
  return toKubernetesYaml(text).trimEnd();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function commonPrefix(a: readonly Guard[], b: readonly Guard[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
