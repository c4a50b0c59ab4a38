import highsModule, { type Highs } from 'highs';

/**
 * The HiGHS solver (WebAssembly), loaded once per process. Loading is asynchronous, solving is not:
 * the top-level await keeps every planner function synchronous for its callers.
 *
 * Bundles must ship `highs.wasm` beside the bundled module (it is looked up next to it).
 */
type Loader = (options?: object) => Promise<Highs>;
// The package's types are CommonJS-flavoured (`exports.default`); its ES module exports the loader itself.
const loadHighs: Loader =
  typeof highsModule === 'function'
    ? (highsModule as Loader)
    : (highsModule as unknown as { default: Loader }).default;

export const highs: Highs = await loadHighs();
