import { readFileSync } from 'node:fs';
import { inParallel } from '#commons/concurrency';
import { Slug } from '#schemas/index';
import { type Command, parseCommandLine, requireLang, UsageError } from '../command.ts';
import {
  type CsvIssue,
  decodeCsv,
  describeCsvIssue,
  mapHeader,
  parseCsv,
  readNeedRows,
} from '../needs-csv.ts';
import { withLocalSession } from '../session.ts';

const USAGE = `用法 / Usage: rounds needs import FILE.csv [--county ID] [--by NAME] [--dry-run] [--lang zh|en]

把需求表（CSV，UTF-8）导入 DATA_DIR（默认 .data）的本地数据库；表头可为中文或英文；要么全部导入，
要么一行也不写（逐行列出错误）；同一文件再次导入不会重复。
Imports a spreadsheet of needs (CSV, UTF-8) into the local database in DATA_DIR (default .data).
Headers may be Chinese or English: 县 乡镇 主题 领域 标题 详情 紧急程度 (county town theme field title
detail urgency). Counties and towns by id or name (淳安 / 淳安县 / chunan), themes by key or name
(人才引智 / talent), urgency 不急 / 一般 / 紧急 (low / normal / high). Other columns are ignored.

All or nothing: when any row is bad, every bad row is listed (row and column) and nothing is written.
Importing the same file again changes nothing (each row has a stable need id).
  --county ID   每行的县（表中没有县列时）/ the county of every row (a sheet without a county column)
  --by NAME     记为提交人（默认 rounds-import）/ recorded as submittedBy (default rounds-import)
  --dry-run     只检查文件，不写入 / check the file, write nothing
  --lang L      zh（默认）或 en / zh (default) or en`;

const OPTIONS = {
  county: { type: 'string' },
  by: { type: 'string' },
  'dry-run': { type: 'boolean' },
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ImportOptions {
  county?: string;
  by?: string;
  dryRun?: boolean;
  lang?: 'zh' | 'en';
  /** How many needs are written at once. @default 8 */
  concurrency?: number;
  out?: (line: string) => void;
  /** Where problems are written. @default stderr */
  errOut?: (line: string) => void;
  now?: Date;
}

export interface ImportResult {
  /** 0 written (or checked), 2 bad input. */
  code: 0 | 2;
  created: number;
  existing: number;
  issues: CsvIssue[];
}

/**
 * Checks and imports a CSV file's needs against the database the functions' clients point at
 * (the embedded runtime must be booted). Nothing is written unless every row is good.
 */
export async function importNeedsCsv(
  bytes: Uint8Array,
  file: string,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const lang = options.lang ?? 'zh';
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const errOut = options.errOut ?? ((line: string) => process.stderr.write(`${line}\n`));
  const fail = (issues: CsvIssue[]): ImportResult => {
    for (const issue of issues) errOut(describeCsvIssue(file, issue, lang));
    const n = new Set(issues.map((i) => i.row).filter((r) => r > 1)).size;
    errOut(
      lang === 'zh'
        ? `${file}：发现 ${issues.length} 处问题${n ? `（${n} 行）` : ''}，未写入任何需求。`
        : `${file}: ${issues.length} problem(s)${n ? ` in ${n} row(s)` : ''}; nothing was written.`,
    );
    return { code: 2, created: 0, existing: 0, issues };
  };

  const parsed = parseCsv(decodeCsv(bytes));
  if (parsed.issue) return fail([parsed.issue]);

  const [{ listCounties }, { putNeedIfAbsent }, { newNeed }] = await Promise.all([
    import('#store/catalog'),
    import('#store/needs'),
    import('#domain/needs'),
  ]);
  const counties = await listCounties();
  const { rows, issues, ignored } = readNeedRows(
    parsed.rows,
    counties,
    options.county ? { county: options.county } : {},
  );
  if (ignored.length > 0) {
    out(lang === 'zh' ? `忽略的列：${ignored.join('、')}` : `columns ignored: ${ignored.join(', ')}`);
  }
  if (issues.length > 0) return fail(issues);
  if (options.dryRun) {
    out(
      lang === 'zh'
        ? `${file}：${rows.length} 条需求，检查无误（未写入）`
        : `${file}: ${rows.length} needs, all good (nothing written)`,
    );
    return { code: 0, created: 0, existing: 0, issues: [] };
  }

  const actor = { subject: options.by ?? 'rounds-import', role: 'coordinator' as const };
  const now = options.now ?? new Date();
  let created = 0;
  let existing = 0;
  let done = 0;
  const step = Math.max(1, Math.ceil(rows.length / 10));
  await inParallel(rows, options.concurrency ?? 8, async (row) => {
    if (await putNeedIfAbsent(newNeed(row.input, actor, now, row.id))) created++;
    else existing++;
    done++;
    if (done % step === 0 || done === rows.length) {
      out(
        lang === 'zh'
          ? `已处理 ${done}/${rows.length}（新增 ${created}，此前已导入 ${existing}）`
          : `checked ${done}/${rows.length} (${created} added, ${existing} imported before)`,
      );
    }
  });
  out(
    lang === 'zh'
      ? `${file}：新增 ${created} 条需求，${existing} 条此前已导入`
      : `${file}: ${created} needs added, ${existing} imported before`,
  );
  return { code: 0, created, existing, issues: [] };
}

export const needsCommand: Command = {
  summary: '从 CSV 表格导入需求 / import needs from a CSV spreadsheet (rounds needs import FILE.csv)',
  async run(argv) {
    const parsed = parseCommandLine(argv, OPTIONS, USAGE);
    const flags = parsed.values;
    if (flags.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const [action, file, ...extra] = parsed.positionals;
    if (action !== 'import') {
      throw new UsageError(
        `${action ? `没有这个操作 / unknown action "${action}"` : '须指定操作（import）/ an action is required (import)'}\n\n${USAGE}`,
      );
    }
    if (!file) throw new UsageError(`须指定 CSV 文件 / a CSV file is required\n\n${USAGE}`);
    if (extra.length > 0)
      throw new UsageError(`多余的参数 / unexpected arguments: ${extra.join(' ')}\n\n${USAGE}`);
    const lang = requireLang(flags.lang);
    if (flags.county !== undefined && !Slug.safeParse(flags.county).success) {
      throw new UsageError(`--county "${flags.county}" 不是有效编号 / is not an id (a-z, 0-9, "-")`);
    }
    if (flags.by !== undefined && (flags.by.trim() === '' || flags.by.length > 200)) {
      throw new UsageError('--by 应为 1 至 200 个字符 / --by must be 1 to 200 characters');
    }

    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? lang === 'zh'
            ? '文件不存在'
            : 'file not found'
          : code === 'EISDIR'
            ? lang === 'zh'
              ? '是目录，不是文件'
              : 'is a directory, not a file'
            : lang === 'zh'
              ? `无法读取（${code}）`
              : `cannot read the file (${code})`;
      process.stderr.write(`${file}${lang === 'zh' ? '：' : ': '}${why}\n`);
      return 2;
    }

    // What can be checked without the database is checked before it is started.
    const table = parseCsv(decodeCsv(bytes));
    const early = table.issue
      ? [table.issue]
      : mapHeader(table.rows[0], flags.county ? { county: flags.county } : {}).issues;
    if (early.length > 0) {
      for (const issue of early) process.stderr.write(`${describeCsvIssue(file, issue, lang)}\n`);
      return 2;
    }

    return withLocalSession({}, async () => {
      const result = await importNeedsCsv(bytes, file, {
        lang,
        ...(flags.county ? { county: flags.county } : {}),
        ...(flags.by ? { by: flags.by.trim() } : {}),
        ...(flags['dry-run'] ? { dryRun: true } : {}),
      });
      return result.code;
    });
  },
};
