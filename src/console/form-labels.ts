import { FORM_SECTIONS, FormSection } from '../values/form-sections';
import { Setting } from '../values/schema';

/**
 * The one place the console reads form metadata from the model: the sections
 * (src/values/form-sections.ts), field titles in English and Simplified Chinese and choice labels
 * (the settings' `form` hints). The rest of the console asks this module only.
 */

/** Languages the console speaks. */
export type Language = 'en' | 'zh';

/** One form section: ACK sections first, then "Advanced". */
export type ConsoleSection = FormSection;

/** The form sections, in display order. */
export function consoleSections(): readonly ConsoleSection[] {
  return FORM_SECTIONS;
}

/** The title of a section in `language`. */
export function sectionTitle(section: ConsoleSection, language: Language): string {
  return language === 'zh' ? section.titleZh : section.title;
}

/** `replicaCount` → `Replica count`: the last resort when the model has no title. */
export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The field title of `setting` (reached by `key`) in `language`: the model's title, else the key in words. */
export function fieldTitle(setting: Setting<any>, key: string, language: Language): string {
  const form = setting.docs.form;
  const english = form?.title ?? humanize(key);
  return language === 'zh' ? form?.titleZh ?? english : english;
}

/** The label of an enum member. */
export function choiceTitle(setting: Setting<any>, member: string): string {
  return setting.docs.form?.choiceTitles?.[member] ?? (member === '' ? '(default)' : member);
}

/** True when the model keeps the setting out of generated forms. */
export function isHidden(setting: Setting<any>): boolean {
  return setting.docs.form?.hidden === true;
}

/** The model's condition for showing a field (`form.showIf`: another value's path and the value it must have), if any. */
export function showCondition(setting: Setting<any>): { readonly path: string; readonly equals: string | boolean } | undefined {
  return setting.docs.form?.showIf;
}
