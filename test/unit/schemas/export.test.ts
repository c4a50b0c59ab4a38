import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemas } from '#schemas/export';
import { ROOT } from '#support/paths';

// schemas/json/ is committed for programs that are not TypeScript; it must match the zod schemas.
const DIR = join(ROOT, 'schemas', 'json');

describe('exported JSON Schemas', () => {
  it('are up to date with the zod schemas (run npm run schemas:export after a change)', () => {
    const expected = jsonSchemas();
    const files = readdirSync(DIR).filter((f) => f.endsWith('.schema.json'));

    expect(files.map((f) => f.replace('.schema.json', '')).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, schema] of Object.entries(expected)) {
      expect(JSON.parse(readFileSync(join(DIR, `${name}.schema.json`), 'utf8')), name).toEqual(schema);
    }
  });

  it('describe the data files with the contract fields', () => {
    const needs = jsonSchemas()['needs.file'] as { items: { required: string[] } };
    expect(needs.items.required).toEqual(
      expect.arrayContaining([
        'id',
        'countyId',
        'townId',
        'theme',
        'field',
        'title',
        'urgency',
        'submittedAt',
      ]),
    );
  });
});
