import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_FUNCTIONS, ROUND_FUNCTIONS } from '#functions/registry';
import { ROUND_STATE_NAMES } from '#infra/round-state-machine';
import { ROOT } from '#support/paths';

// The rooms of functions/ as docs/architecture.md draws them, held against the code's own imports.
const FUNCTIONS = join(ROOT, 'functions');

const tsFiles = (dir: string) =>
  readdirSync(join(FUNCTIONS, dir))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `${dir}/${name}`);

/** The modules a file imports, as written (aliases and relative paths). */
function importsOf(file: string): string[] {
  const code = readFileSync(join(FUNCTIONS, file), 'utf8');
  return [...code.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1] as string);
}

const _kebab = (id: string) => id.replace(/[a-z](?=[A-Z])/g, (c) => `${c}-`).toLowerCase();

describe('the rooms of functions/', () => {
  it('gives a store module no sibling store module to import (services compose them)', () => {
    const storeModules = tsFiles('store');
    expect(storeModules.length).toBeGreaterThan(8);
    const siblings = storeModules.flatMap((file) =>
      importsOf(file)
        .filter((spec) => /^\.\/[^/]+\.ts$/.test(spec) || spec.startsWith('#store/'))
        .filter((spec) => !spec.startsWith('#store/items/'))
        .map((spec) => `${file} → ${spec}`),
    );
    expect(siblings).toEqual([]);
  });

  it('keeps the items that store modules write together free of I/O and of store modules', () => {
    const items = tsFiles('store/items');
    expect(items.length).toBeGreaterThan(3);
    const reaching = items.flatMap((file) =>
      importsOf(file)
        .filter(
          (spec) => spec.startsWith('@aws-sdk/') || spec.startsWith('#store/') || spec.startsWith('../'),
        )
        .map((spec) => `${file} → ${spec}`),
    );
    expect(reaching).toEqual([]);
  });

  it('keeps the data migrations to store modules and item builders: no table call of their own', () => {
    const migrations = tsFiles('migrations');
    expect(migrations.length).toBeGreaterThan(2);
    const direct = migrations.flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.startsWith('@aws-sdk/') || spec === '#commons/clients')
        .map((spec) => `${file} → ${spec}`),
    );
    expect(direct).toEqual([]);
  });

  it('keeps commons/ to plumbing: it imports no service, store, delivery, identity or function', () => {
    const commons = [...tsFiles('commons'), ...tsFiles('commons/bundle')];
    const upward = commons.flatMap((file) =>
      importsOf(file)
        .filter((spec) => /^#(store|services|delivery|identity|functions)\//.test(spec))
        .map((spec) => `${file} → ${spec}`),
    );
    expect(upward).toEqual([]);
    const lines = commons.reduce(
      (sum, file) => sum + readFileSync(join(FUNCTIONS, file), 'utf8').split('\n').length,
      0,
    );
    expect(lines).toBeLessThanOrEqual(1500);
  });

  it('finds the file of every function under its id in kebab case (FindNextSociety runs find-next-society.ts)', () => {
    const missing = Object.entries(ALL_FUNCTIONS)
      .filter(([, wiring]) => !existsSync(join(ROOT, wiring.entry)))
      .map(([id, wiring]) => `${id} → ${wiring.entry}`);
    expect(missing).toEqual([]);
    expect(ROUND_FUNCTIONS.FindNextSociety.entry).toBe('functions/round/find-next-society.ts');
  });

  it('names a round step after its state, unless several states share it', () => {
    const states = new Set<string>(Object.values(ROUND_STATE_NAMES));
    // Functions that several states run, named after the function (docs/architecture.md).
    const shared = new Set(['RecordAnswer', 'RecordPlanApproval']);
    const unnamed = Object.keys(ROUND_FUNCTIONS).filter((id) => !states.has(id) && !shared.has(id));
    expect(unnamed).toEqual([]);
    for (const file of tsFiles('round').filter((file) => file !== 'round/step.ts')) {
      expect(Object.values(ROUND_FUNCTIONS).map((w) => w.entry)).toContain(`functions/${file}`);
    }
  });
});
