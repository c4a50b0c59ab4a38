import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '#support/paths';

// The pages' own modules, read as text (they are served as files, no build): imports run one way,
// the helpers live once in pages/lib/, and every page has one translation markup, data-t, whose
// keys each have a Chinese and an English text.

const PAGES = join(ROOT, 'pages');

function scripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return scripts(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g)].map((m) => {
    const ref = m[1] as string;
    return ref.startsWith('/') ? join(PAGES, ref) : resolve(dirname(file), ref);
  });

/**
 * A `const NAME = { … };` table of `key: ['中文', 'English']`, as the module declares it; a table it
 * spreads in (`...RANGE_TEXT`) is read from the module of pages/ that exports it.
 */
function textTable(source: string, name: string): Record<string, unknown> {
  const found = new RegExp(`(?:export )?const ${name} = (\\{\\n[\\s\\S]*?\\n\\});`).exec(source);
  if (!found) return {};
  const spread = [...(found[1] as string).matchAll(/\.\.\.([A-Z_]+),/g)].map((m) => m[1] as string);
  const tables = spread.map((inner) => {
    const home = scripts(PAGES).find((file) =>
      readFileSync(file, 'utf8').includes(`export const ${inner} = {`),
    );
    return home ? textTable(readFileSync(home, 'utf8'), inner) : {};
  });
  return new Function(...spread, `return (${found[1]});`)(...tables) as Record<string, unknown>;
}

const pages = readdirSync(PAGES).filter((f) => f.endsWith('.html'));

describe('the pages’ modules', () => {
  it('import one way: no module imports one that imports it back', () => {
    const graph = new Map(scripts(PAGES).map((file) => [file, importsOf(file)]));
    const reached = (from: string, seen = new Set<string>()): Set<string> => {
      for (const next of graph.get(from) ?? []) if (!seen.has(next)) reached(next, seen.add(next));
      return seen;
    };
    const inCircle = [...graph.keys()]
      .filter((file) => reached(file).has(file))
      .map((f) => relative(PAGES, f));

    expect(inCircle).toEqual([]);
  });

  it('declare no $, el(), t or applyLang of their own: pages/lib/dom.js and i18n.js have them', () => {
    const own = scripts(PAGES)
      .filter((file) => !/lib[/\\](dom|i18n|schemas|qrcode)\.js$/.test(file))
      .flatMap((file) =>
        [
          ...readFileSync(file, 'utf8').matchAll(
            /^(?:function (el|applyLang)\(|(?:const|let) (\$|t|lang) = )/gm,
          ),
        ].map((m) => `${relative(PAGES, file)}: ${m[1] ?? m[2]}`),
      );

    expect(own).toEqual([]);
  });

  it.each(pages)('%s: one translation markup, each data-t key with a Chinese and an English text', (page) => {
    const html = readFileSync(join(PAGES, page), 'utf8');
    // The page's own scripts (lib/sw-register.js, in every page's head, has no texts).
    const own = [...html.matchAll(/<script[^>]*\bsrc="\/((?!lib\/)[^"]+)"/g)].map((m) => m[1] as string);
    const texts = Object.assign(
      textTable(readFileSync(join(PAGES, 'lib/i18n.js'), 'utf8'), 'SHARED'),
      ...own.map((script) => textTable(readFileSync(join(PAGES, script), 'utf8'), 'TEXT')),
    );
    const keys = [...html.matchAll(/\bdata-t="([^"]+)"/g)].map((m) => m[1] as string);

    expect(html).not.toMatch(/\bdata-(zh|en)=/);
    expect(keys.length).toBeGreaterThan(0);
    const untranslated = keys.filter((key) => {
      const pair = texts[key];
      return !Array.isArray(pair) || pair.length !== 2 || !pair.every((s) => typeof s === 'string' && s);
    });
    expect(untranslated).toEqual([]);
  });
});
