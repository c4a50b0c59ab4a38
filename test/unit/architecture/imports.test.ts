import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '#support/paths';

// Imports run one way: cli → local → infra → functions → domain → schemas. Read from the source's
// own import lines, so that an import running back up, or a circle of files, fails here.

/** The layers from the top; a file may import its own layer and those below it. */
const LAYERS = ['cli', 'local', 'infra', 'functions', 'domain', 'schemas'] as const;
type Layer = (typeof LAYERS)[number];

const ALIASES = Object.entries(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { imports: Record<string, string> })
    .imports,
).map(([pattern, target]) => ({ prefix: pattern.replace('*', ''), target }));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'json' ? [] : sourceFiles(path);
    return /\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every module a file names: static imports and re-exports, `import '…'`, and `import('…')`. */
function importSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const pattern =
    /(?:^|[\s;}])(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
  return [...code.matchAll(pattern)].map((match) => (match[1] ?? match[2] ?? match[3]) as string);
}

/** The file a specifier names, relative to the repo root, or undefined for a package. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  let target: string | undefined;
  if (specifier.startsWith('.')) target = resolve(dirname(from), specifier);
  for (const alias of ALIASES) {
    if (specifier.startsWith(alias.prefix)) {
      target = resolve(ROOT, alias.target.replace('*', specifier.slice(alias.prefix.length)));
    }
  }
  if (target === undefined) return undefined;
  for (const candidate of [target, `${target}.ts`, join(target, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(ROOT, candidate);
  }
  return relative(ROOT, target);
}

function layerOf(file: string): Layer | undefined {
  return LAYERS.find((layer) => file.startsWith(`${layer}/`));
}

const files = LAYERS.flatMap((layer) => sourceFiles(join(ROOT, layer))).map((path) => relative(ROOT, path));
const graph = new Map(
  files.map((file) => [
    file,
    importSpecifiers(readFileSync(join(ROOT, file), 'utf8'))
      .map((specifier) => resolveSpecifier(join(ROOT, file), specifier))
      .filter((target): target is string => target !== undefined),
  ]),
);

describe('the direction of imports', () => {
  it('reads the import lines of every source folder', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(importSpecifiers("import type {\n  A,\n} from '#schemas/index';")).toEqual(['#schemas/index']);
    expect(importSpecifiers("export * from './a.ts';\nimport './b.ts';")).toEqual(['./a.ts', './b.ts']);
    expect(importSpecifiers("const m = await import('../infra/x.ts');")).toEqual(['../infra/x.ts']);
    expect(importSpecifiers("// import { x } from '../cli/x.ts';")).toEqual([]);
    expect(graph.get('domain/plan.ts')).toContain('domain/plan-steps.ts');
    expect(graph.get('local/runtime.ts')).toContain('infra/rounds-stack.ts');
  });

  it('never runs from a lower layer up to a higher one (cli → local → infra → functions → domain → schemas)', () => {
    const upward = [...graph].flatMap(([file, targets]) => {
      const from = LAYERS.indexOf(layerOf(file)!);
      return targets
        .filter((target) => {
          const layer = layerOf(target);
          return layer !== undefined && LAYERS.indexOf(layer) < from;
        })
        .map((target) => `${file} → ${target}`);
    });

    expect(upward).toEqual([]);
  });

  it('imports nothing from outside the layers but packages (no bench/, test/ or pages/ code)', () => {
    const outside = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => layerOf(target) === undefined).map((target) => `${file} → ${target}`),
    );

    expect(outside).toEqual([]);
  });

  it('has no circle of files', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      path.push(file);
      for (const target of graph.get(file) ?? []) {
        if (state.get(target) === 'open')
          circles.push([...path.slice(path.indexOf(target)), target].join(' → '));
        else if (!state.has(target)) visit(target);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);

    expect(circles).toEqual([]);
  });
});
