import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '#support/paths';

// Every key, key prefix and index name is spelled in schemas/keys.ts; Query conditions are built in
// functions/commons/table.ts. A key spelled anywhere else would drift from the layout.
const SOURCE_FOLDERS = ['functions', 'local', 'infra', 'cli', 'bench', 'domain', 'schemas', 'pages', 'demo'];
const KEYS_MODULE = 'schemas/keys.ts';
const QUERY_MODULE = 'functions/commons/table.ts';

const KEY_PREFIX =
  /\b(CATALOG|COUNTY|SOCIETY|NEED|VISITED|SEASON|ROUND|VISIT|DRAFT|OFFER|CAPACITY|LOG|OUTBOX|TASKTOKEN|REPORT|SUBMISSION|OVERRIDES|ATTACHMENT)#/;
const WHOLE_KEY = /['"`](CATALOG|ROUND|NEED|TOKEN|OVERRIDES)['"`]/;
const INDEX_NAME = /['"`]gsi1['"`]/;
const KEY_CONDITION = /begins_with\(/;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** Code without its comments: the access-pattern table in infra/table.ts documents the layout. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** `file:line: text` of each line matching one of `patterns`. */
function keyLiterals(source: string, file: string, patterns: readonly RegExp[]): string[] {
  return withoutComments(source)
    .split('\n')
    .flatMap((line, i) => (patterns.some((p) => p.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

describe('the key layout', () => {
  it('is spelled only in schemas/keys.ts: no key prefix, whole key or index name anywhere else', () => {
    const found = SOURCE_FOLDERS.flatMap((folder) => sourceFiles(join(ROOT, folder)))
      .map((path) => relative(ROOT, path))
      .filter((file) => file !== KEYS_MODULE)
      .flatMap((file) =>
        keyLiterals(readFileSync(join(ROOT, file), 'utf8'), file, [KEY_PREFIX, WHOLE_KEY, INDEX_NAME]),
      );
    expect(found).toEqual([]);
  });

  it('has its Query conditions built in one place, functions/commons/table.ts', () => {
    const found = SOURCE_FOLDERS.flatMap((folder) => sourceFiles(join(ROOT, folder)))
      .map((path) => relative(ROOT, path))
      .filter((file) => file !== QUERY_MODULE)
      .flatMap((file) => keyLiterals(readFileSync(join(ROOT, file), 'utf8'), file, [KEY_CONDITION]));
    expect(found).toEqual([]);
  });

  it('would report a key spelled by hand, in code but not in a comment', () => {
    const source = [
      "// pk = SEASON#<season>, sk = 'ROUND'",
      'const key = { pk: "SEASON#" + id, sk: "ROUND" };',
      "const page = query({ IndexName: 'gsi1' });",
    ].join('\n');
    expect(keyLiterals(source, 'x.ts', [KEY_PREFIX, WHOLE_KEY, INDEX_NAME])).toEqual([
      'x.ts:2: const key = { pk: "SEASON#" + id, sk: "ROUND" };',
      "x.ts:3: const page = query({ IndexName: 'gsi1' });",
    ]);
  });
});
