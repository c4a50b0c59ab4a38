import { BackupError, restoreDataDir } from '#local/backup';
import { parseCommandLine, UsageError } from '../command.ts';
import { dataDirFromEnv } from '../session.ts';

const USAGE = `用法 / Usage: rounds restore FILE

把 rounds backup 生成的备份恢复到 DATA_DIR（默认 .data）。DATA_DIR 必须为空或不存在：不会覆盖已有数据。
恢复后照常 npm start；原来的用户、设备登录和令牌照常可用（签名密钥随备份恢复）。见 docs/deploy.md。
Restores a backup made by rounds backup into DATA_DIR (default .data). DATA_DIR must be empty or
missing: existing data is never overwritten. Then npm start as usual; the same users, device
sign-ins and tokens work (the signing keys come back with the backup). See docs/deploy.md.`;

export const restoreCommand = {
  summary: '把备份恢复到空的数据目录 / restore a backup into an empty data directory',
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseCommandLine(argv, { help: { type: 'boolean', short: 'h' } }, USAGE);
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const [file, ...extra] = positionals;
    if (!file) throw new UsageError(`缺少备份文件 FILE / missing the backup FILE\n\n${USAGE}`);
    if (extra.length > 0)
      throw new UsageError(
        `只能恢复一个备份文件，多了 ${extra.join(' ')} / one backup FILE only: ${extra.join(' ')} is extra`,
      );
    const dataDir = dataDirFromEnv();
    try {
      const done = await restoreDataDir(file, dataDir);
      process.stdout.write(
        `已从 ${file}（备份于 ${done.createdAt}）恢复 ${done.files} 个文件到 ${dataDir} / ` +
          `restored ${done.files} files from ${file} (taken ${done.createdAt}) into ${dataDir}\n`,
      );
      return 0;
    } catch (error) {
      if (error instanceof BackupError) throw new UsageError(error.message, { cause: error });
      throw error;
    }
  },
};
