import type * as z from 'zod';
import { type Bilingual, FIELD_LABELS, THEME_LABELS, URGENCY_LABELS } from './need-api.ts';

/*
 * Validation messages in Chinese and English, made from zod issues. The API answers with both
 * (`message` is `中文 / English`, and `zh`, `en` separately); the form in the browser, which runs
 * the same schemas through this same module, shows the reader's language.
 */

export interface BilingualIssue {
  /** `townId`, `items[2].title`, `Idempotency-Key`… */
  path: string;
  /** `中文 / English` */
  message: string;
  zh: string;
  en: string;
}

export type ValidationResult<T> = { ok: true; data: T } | { ok: false; issues: BilingualIssue[] };

/** Parses with `schema`; on failure every bad field is named, in both languages. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): ValidationResult<z.output<S>> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, issues: bilingualIssues(result.error.issues) };
}

/**
 * A zod issue path as a reader writes it, `[2].towns[0].id`, as the CLI and the API report them; a
 * key with a space, dot, bracket or quote in it is quoted (`[0]["odd key"]`). Empty for the root.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/[\s.[\]"]/.test(String(part)) || String(part) === '')
      out += `[${JSON.stringify(String(part))}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

type Issue = z.core.$ZodIssue & { input?: unknown; params?: { zh?: string } };

export function bilingualIssues(issues: readonly z.core.$ZodIssue[]): BilingualIssue[] {
  const out: BilingualIssue[] = [];
  for (const raw of issues) {
    const issue = raw as Issue;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push(make([...issue.path, key], '不是可接受的字段，请删除', 'is not a known field; remove it'));
      }
      continue;
    }
    const [zh, en] = texts(issue);
    out.push(make(issue.path, zh, en));
  }
  return out;
}

/**
 * A field's name in words, from its path: the label of `parent.key` when the key means something
 * else under that parent (`contact.name` is the contact person, `name` a person's name), else of
 * the key. Undefined when there is none; the path is then shown as it is.
 */
export function labelOf(path: readonly PropertyKey[] | string): Bilingual | undefined {
  const parts = (
    typeof path === 'string' ? path.split(/[.[\]"]+/).filter((p) => p !== '' && !/^\d+$/.test(p)) : path
  )
    .filter((part) => typeof part !== 'number')
    .map(String);
  const name = parts.at(-1);
  if (name === undefined) return undefined;
  const parent = parts.at(-2);
  return (parent !== undefined ? FIELD_LABELS[`${parent}.${name}`] : undefined) ?? FIELD_LABELS[name];
}

function make(path: readonly PropertyKey[], zh: string, en: string): BilingualIssue {
  const label = labelOf(path);
  const where = formatPath(path) || '(root)';
  const zhText = `${label ? `「${label.zh}」` : where === '(root)' ? '' : `「${where}」`}${zh}`;
  const enText = `${label ? label.en : where === '(root)' ? 'The input' : where} ${en}`;
  return { path: where, message: `${zhText} / ${enText}`, zh: zhText, en: enText };
}

const TYPE_NAMES: Record<string, [string, string]> = {
  string: ['文字', 'text'],
  number: ['数字', 'a number'],
  int: ['整数', 'a whole number'],
  boolean: ['是或否', 'true or false'],
  object: ['对象（JSON {…}）', 'an object (JSON {…})'],
  array: ['列表', 'a list'],
};

function texts(issue: Issue): [string, string] {
  const missing = !('input' in issue) || issue.input === undefined;
  switch (issue.code) {
    case 'invalid_type': {
      if (missing) return ['必须填写', 'is required'];
      const [zh, en] = TYPE_NAMES[issue.expected] ?? [issue.expected, issue.expected];
      return [`应为${zh}`, `must be ${en}`];
    }
    case 'invalid_value': {
      if (missing) return ['必须填写', 'is required'];
      const values = issue.values.map(String);
      const labels: Record<string, { zh: string }> = { ...THEME_LABELS, ...URGENCY_LABELS };
      const zhList = values.map((v) => (labels[v] ? `${v}（${labels[v].zh}）` : v)).join('、');
      return [`应为以下之一：${zhList}`, `must be one of ${values.join(', ')}`];
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') {
        return min <= 1
          ? ['不能为空', 'must not be empty']
          : [`至少 ${min} 个字`, `must have at least ${min} characters`];
      }
      if (issue.origin === 'array') return [`至少 ${min} 项`, `must have at least ${min} items`];
      return [`不能小于 ${min}`, `must be at least ${min}`];
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return [`不能超过 ${max} 个字`, `must have at most ${max} characters`];
      if (issue.origin === 'array') return [`不能超过 ${max} 项`, `must have at most ${max} items`];
      return [`不能大于 ${max}`, `must be at most ${max}`];
    }
    case 'invalid_format': {
      const pattern = 'pattern' in issue ? String(issue.pattern) : '';
      if (pattern.includes('Q[1-4]\\.[a-z0-9-]{1,64}\\.')) {
        return [
          '应为邀请编号，如 2026-Q4.chunan.zj-agri',
          'must be an assignment id like 2026-Q4.chunan.zj-agri',
        ];
      }
      if (pattern.includes('Q[1-4]\\.'))
        return ['应为走访编号，如 2026-Q4.chunan', 'must be a visit id like 2026-Q4.chunan'];
      if (pattern.includes('a-z0-9-')) {
        return [
          '应为小写编号：a-z、0-9 和“-”，1 至 64 个字符',
          'must be a lowercase id: a-z, 0-9 and "-", 1 to 64 characters',
        ];
      }
      if (pattern.includes('Q[1-4]')) return ['应为季度，如 2026-Q4', 'must be a season like 2026-Q4'];
      return ['格式不正确', issue.message.replace(/^Invalid\s*/i, 'is not valid: ')];
    }
    case 'custom':
      return [issue.params?.zh ?? '无效', issue.message];
    default:
      return ['无效', issue.message];
  }
}
