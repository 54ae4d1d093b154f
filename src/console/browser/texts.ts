import type { Language } from '../form-labels';

/** The page's own words (buttons, headings) in English and Simplified Chinese; field titles come from the model. */
const TEXTS = {
  title: { en: 'istio-pack console', zh: 'istio-pack 控制台' },
  profile: { en: 'Start from profile', zh: '起始配置档' },
  importFile: { en: 'Import values.yaml…', zh: '导入 values.yaml…' },
  paste: { en: 'Paste YAML…', zh: '粘贴 YAML…' },
  pasteHelp: { en: 'Paste a values.yaml (or a profiles/<name>.yaml with extends:)', zh: '粘贴 values.yaml(或带 extends: 的 profiles/<name>.yaml)' },
  importButton: { en: 'Import', zh: '导入' },
  cancel: { en: 'Cancel', zh: '取消' },
  valid: { en: 'Values are valid', zh: '配置有效' },
  problems: { en: 'problem(s): export is disabled until they are fixed', zh: '个问题:修正之前无法导出' },
  changed: { en: 'changed', zh: '已修改' },
  reset: { en: 'Reset to profile', zh: '恢复为配置档的值' },
  add: { en: 'Add', zh: '添加' },
  remove: { en: 'Remove', zh: '删除' },
  item: { en: 'Item', zh: '条目' },
  more: { en: 'More settings', zh: '更多设置' },
  all: { en: 'ALL (intercept every address)', zh: '全部(拦截所有地址)' },
  oneLine: { en: 'one per line or comma separated', zh: '每行一个,或用英文逗号分隔' },
  yamlMap: { en: 'YAML', zh: 'YAML' },
  valuesTab: { en: 'values.yaml', zh: 'values.yaml' },
  helmTab: { en: 'Helm command', zh: 'Helm 命令' },
  gitopsTab: { en: 'GitOps profile', zh: 'GitOps 配置档' },
  previewTab: { en: 'Preview', zh: '预览' },
  copy: { en: 'Copy', zh: '复制' },
  copied: { en: 'Copied', zh: '已复制' },
  download: { en: 'Download', zh: '下载' },
  profileName: { en: 'Profile name', zh: '配置档名称' },
  helmHelp: { en: 'Run from a checkout of istio-pack, with the downloaded values.yaml:', zh: '在 istio-pack 目录中,使用下载的 values.yaml 运行:' },
  gitopsHelp: { en: 'Commit as profiles/<name>.yaml, then npm run synth writes dist/<name>/ for Argo CD or Flux.', zh: '提交为 profiles/<name>.yaml,然后 npm run synth 生成供 Argo CD 或 Flux 使用的 dist/<name>/。' },
  objects: { en: 'objects', zh: '个对象' },
  added: { en: 'added', zh: '新增' },
  removed: { en: 'removed', zh: '移除' },
  unchanged: { en: 'unchanged', zh: '未变' },
  against: { en: 'against profile', zh: '相对于配置档' },
  renderedIn: { en: 'rendered in', zh: '渲染耗时' },
  changedOnly: { en: 'Changed only', zh: '仅显示变化' },
  kind: { en: 'Kind', zh: '类型' },
  namespace: { en: 'Namespace', zh: '命名空间' },
  name: { en: 'Name', zh: '名称' },
  file: { en: 'File', zh: '文件' },
  status: { en: 'Status', zh: '状态' },
  selectObject: { en: 'Select an object or a file to see its YAML.', zh: '选择一个对象或文件以查看其 YAML。' },
  importedUntouched: { en: 'Imported file, unchanged: exported as it was.', zh: '已导入的文件未修改:按原样导出。' },
  renderFailed: { en: 'The generator refused these values', zh: '生成器拒绝了这些配置' },
  language: { en: '中文', zh: 'English' },
} as const;

/** A word of the page in `language`. */
export function text(key: keyof typeof TEXTS, language: Language): string {
  return TEXTS[key][language];
}
