// Module resolution hooks for a studio's catalog outside this checkout: `loadout/schemas` is this
// Loadout's schema API and `zod` its zod, wherever the catalog lives, so one zod instance checks
// every schema and a catalog needs no node_modules of its own. Plain JS: hooks run on the loader thread.
let api;
let root;

export function initialize(data) {
  api = data.api;
  root = data.root;
}

export function resolve(specifier, context, nextResolve) {
  if (specifier === 'loadout/schemas') return nextResolve(api, context);
  if ((specifier === 'zod' || specifier.startsWith('zod/')) && !context.parentURL?.startsWith(root)) {
    return nextResolve(specifier, { ...context, parentURL: new URL('package.json', root).href });
  }
  return nextResolve(specifier, context);
}
