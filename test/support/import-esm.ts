/**
 * A real `import()` for ESM-only packages (@kubernetes-models/*). Written through the Function
 * constructor because ts-jest compiles test code to CommonJS and would turn a literal `import()` into
 * `require()`, which cannot load an ESM-only package (jest's CommonJS resolver cannot even resolve it:
 * the packages only have `import` exports). Under jest this needs `NODE_OPTIONS=--experimental-vm-modules`.
 *
 * The function's source carries a token unique to this evaluation of the module (one per test file):
 * V8 caches functions compiled from the same source, and a cached one keeps the dynamic-import hook of
 * the test file that compiled it first. In a jest worker that ran that file already, the import then
 * fails with "You are trying to `import` a file after the Jest environment has been torn down".
 */
const token = `${Date.now()}-${Math.random()}`;

export const importEsm = new Function('specifier', `return import(specifier); // ${token}`) as (specifier: string) => Promise<any>;
