import { FreeFormSetting, ListSetting, MapSetting, ObjectSetting, Setting } from './schema';

/**
 * Walking the values model by path, for generated forms. Paths are written as values are addressed:
 * dotted keys, `[]` for "any item of a list" (`gateways.ingress[].ports[].nodePort`) and `.*` for "any
 * value of a map" (`istiod.nodeSelector.*`); `[<n>]` is read as `[]`.
 */

/** Calls `visit` for every setting of `root` (root included, as path ''), parents before children. */
export function forEachSetting(root: Setting<any>, visit: (path: string, setting: Setting<any>) => void, path = ''): void {
  visit(path, root);
  if (root instanceof ObjectSetting) {
    for (const [key, child] of Object.entries<Setting<any>>(root.properties)) forEachSetting(child, visit, path === '' ? key : `${path}.${key}`);
  } else if (root instanceof ListSetting) {
    forEachSetting(root.items, visit, `${path}[]`);
  } else if (root instanceof MapSetting) {
    forEachSetting(root.values, visit, `${path}.*`);
  } else if (root instanceof FreeFormSetting && root.options.itemFields) {
    for (const [key, child] of Object.entries<Setting<any>>(root.options.itemFields)) forEachSetting(child, visit, `${path}[].${key}`);
  }
}

/** The setting at `path`, or undefined when the model has none there. */
export function settingAt(root: Setting<any>, path: string): Setting<any> | undefined {
  const wanted = path.replace(/\[\d+\]/g, '[]');
  let found: Setting<any> | undefined;
  forEachSetting(root, (candidate, setting) => {
    if (found === undefined && candidate === wanted) found = setting;
  });
  return found;
}
