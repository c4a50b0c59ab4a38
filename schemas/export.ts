// Writes every schema as JSON Schema into schemas/json/, for programs that are not TypeScript.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import * as schemas from './index.ts';

const outDir = join(dirname(fileURLToPath(import.meta.url)), 'json');

export function jsonSchemas(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(schemas)) {
    if (value instanceof z.ZodType)
      out[name] = z.toJSONSchema(value, { io: 'input', unrepresentable: 'any' });
  }
  for (const [file, { schema }] of Object.entries(schemas.DATA_FILES)) {
    out[file.replace('.json', '.file')] = z.toJSONSchema(schema, { io: 'input' });
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(outDir, { recursive: true });
  const all = jsonSchemas();
  for (const stale of readdirSync(outDir).filter((f) => f.endsWith('.schema.json')))
    rmSync(join(outDir, stale));
  for (const [name, schema] of Object.entries(all)) {
    writeFileSync(join(outDir, `${name}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
  }
  console.log(`wrote ${Object.keys(all).length} JSON Schemas to ${outDir}`);
}
