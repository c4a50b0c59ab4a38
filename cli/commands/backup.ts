import { BackupError, backupDataDir } from '#local/backup';
import { defineCommand, UsageError } from '../command.ts';
import { dataDirFromEnv } from '../session.ts';

const USAGE = `用法 / Usage: rounds backup --out FILE

把 DATA_DIR（默认 .data）整个备份为一个文件：数据库（服务运行中也是同一时刻的完整副本）、签名密钥与照片。
文件含密钥，仅所有者可读；用 rounds restore 恢复到空的 DATA_DIR。见 docs/deploy.md。
Backs up the whole DATA_DIR (default .data) into one file: the database (a copy of one moment, also
while the server runs), the signing keys and the photos. The file carries the keys and is readable by
its owner only; rounds restore puts it back into an empty DATA_DIR. See docs/deploy.md.
  --out FILE      备份文件（已有则整体替换）/ the backup file (replaced whole when it exists)`;

export const backupCommand = defineCommand({
  summary: '备份数据目录（服务运行时也可）/ back up the data directory (also while the server runs)',
  usage: USAGE,
  options: { out: { type: 'string' } },
  async run(flags) {
    if (!flags.out)
      throw new UsageError(`缺少 --out（备份文件）/ missing --out (the backup file)\n\n${USAGE}`);
    try {
      const done = await backupDataDir(dataDirFromEnv(), flags.out);
      const kib = (n: number) => `${Math.ceil(n / 1024)} KiB`;
      process.stdout.write(
        `备份已写入 ${done.file}：${kib(done.bytes)}，数据库 ${kib(done.databaseBytes)}，照片 ${done.attachments} 张，密钥 ${done.secrets.join('、')} / ` +
          `backup written to ${done.file}: ${kib(done.bytes)}, database ${kib(done.databaseBytes)}, ${done.attachments} photos, keys ${done.secrets.join(', ')}\n`,
      );
      return 0;
    } catch (error) {
      if (error instanceof BackupError) throw new UsageError(error.message, { cause: error });
      throw error;
    }
  },
});
