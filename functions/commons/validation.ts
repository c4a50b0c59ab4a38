import type * as z from 'zod';
import { formatPath } from '#schemas/messages';
import { type FieldIssue, InvalidInputError } from './errors.ts';

export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path) || '(root)', message: issue.message }));
}

/** Parses or throws InvalidInputError naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = 'input'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = fieldIssues(result.error);
  const summary = fields.map((f) => `${f.path}: ${f.message}`).join('; ');
  throw new InvalidInputError(`invalid ${what}: ${summary}`, fields);
}
