import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_ROUTES } from '#functions/registry';
import { openApiDocument } from '#services/openapi-document';
import { ROOT } from '#support/paths';

// The OpenAPI document built from the route declarations: complete for every route, and clean
// under Redocly's recommended rules (redocly.yaml at the repository root).

// biome-ignore lint/suspicious/noExplicitAny: the document is JSON, checked field by field
const doc = openApiDocument() as any;
const operation = (method: string, path: string) => doc.paths[path]?.[method.toLowerCase()];

describe('the OpenAPI document', () => {
  it('passes `redocly lint` with the recommended rules: 0 errors, 0 warnings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));

    const lint = spawnSync(
      'npx',
      ['redocly', 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'json'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        timeout: 120_000,
      },
    );
    const report = JSON.parse(lint.stdout) as {
      totals: { errors: number; warnings: number; ignored: number };
      problems: { ruleId: string; message: string }[];
    };

    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
    expect(lint.status).toBe(0);
  });

  it('describes every route with its summary, tag and a unique operationId', () => {
    const ids = API_ROUTES.map((r) => operation(r.method, r.path)?.operationId);
    expect(new Set(ids).size).toBe(API_ROUTES.length);
    for (const route of API_ROUTES) {
      const op = operation(route.method, route.path);
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op.summary).toMatch(/[\u4e00-\u9fff].*\/ ?[A-Za-z]/);
      expect(op.tags).toEqual([route.tag]);
      expect(doc.tags.map((t: { name: string }) => t.name)).toContain(route.tag);
    }
  });

  it('names what every route reads from the table (x-read-cost), in DynamoDB requests', () => {
    for (const route of API_ROUTES) {
      const cost = operation(route.method, route.path)?.['x-read-cost'];
      expect(cost, `${route.method} ${route.path}`).toBe(route.readCost);
      expect(cost, `${route.method} ${route.path}`).toMatch(/GetItem|Query|BatchGetItem|none/);
      // A route that read a whole season could not state a bounded cost: no `Scan`, no `every visit`.
      expect(cost).not.toMatch(/\bScan\b|per visit|per offer/);
    }
  });

  it('gives every route its request body, parameters and each response with a schema', () => {
    for (const route of API_ROUTES) {
      const op = operation(route.method, route.path);
      const where = `${route.method} ${route.path}`;
      if (route.body) {
        expect(op.requestBody?.content['application/json'].schema.$ref, where).toMatch(
          /^#\/components\/schemas\//,
        );
        expect(op.requestBody.required, where).toBe(!route.bodyOptional);
      } else expect(op.requestBody, where).toBeUndefined();
      const names = (op.parameters ?? []).map((p: { in: string; name: string }) => `${p.in}:${p.name}`);
      for (const name of Object.keys(route.params?.shape ?? {}))
        expect(names, where).toContain(`path:${name}`);
      for (const name of Object.keys(route.query?.shape ?? {}))
        expect(names, where).toContain(`query:${name}`);
      for (const [status, response] of Object.entries(op.responses) as [string, { content: object }][]) {
        expect(Object.keys(response.content ?? {}).length, `${where} ${status}`).toBeGreaterThan(0);
      }
      expect(Object.keys(op.responses), where).toEqual(
        expect.arrayContaining([
          ...Object.keys(route.responses),
          '400',
          ...(route.public ? [] : ['401', '403']),
        ]),
      );
    }
  });

  it('answers 202 for starting a round, 201 or 200 for a visit report, and names the season report’s formats', () => {
    expect(Object.keys(operation('POST', '/rounds').responses)).toContain('202');
    expect(Object.keys(operation('POST', '/rounds').responses)).not.toContain('200');
    const report = operation('POST', '/visits/{visitId}/report');
    expect(Object.keys(report.responses)).toEqual(expect.arrayContaining(['201', '200']));
    expect(report.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
    const season = operation('GET', '/seasons/{season}/report');
    const format = season.parameters.find((p: { name: string }) => p.name === 'format');
    expect(format).toMatchObject({ in: 'query', required: false, schema: { enum: ['json', 'csv', 'xlsx'] } });
    expect(Object.keys(season.responses['200'].content).sort()).toEqual(
      [
        'application/json',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'text/csv',
      ].sort(),
    );
  });

  it('names the local server and the deployed API (the stack output ApiUrl)', () => {
    const urls = doc.servers.map((s: { url: string }) => s.url);
    expect(urls).toContain('http://127.0.0.1:{port}');
    expect(urls.some((u: string) => u.includes('execute-api'))).toBe(true);
    expect(JSON.stringify(doc.servers)).toContain('ApiUrl');
  });
});
