import { InvalidInputError } from '#commons/errors';
import { beijingTime, beijingTimeEn } from '#domain/wording';
import { NewUser } from '#schemas/users';
import { defaultOrigin, localInvitation } from '../../local/invitations.ts';
import { defineCommand, UsageError } from '../command.ts';
import { withLocalSession } from '../session.ts';

const USAGE = `用法 / Usage: rounds signin --role coordinator|liaison|team [--county ID | --society ID] [--name NAME] [--url ORIGIN]

为使用同一 DATA_DIR（默认 .data）的本地服务打印一次性登录链接和邀请码（7 天内有效）；用户不存在时创建。
Prints a one-time sign-in link and code (valid 7 days) for the local server on the same DATA_DIR
(default .data), creating the user when there is none with that role, county or society and name.
  --role coordinator            协调人 / the city association
  --role liaison --county ID    县联络员 / a county liaison (the county must exist)
  --role team --society ID      学会团队成员 / a society's team member (the society must exist)
  --name NAME                   姓名（默认按角色）/ the person's name (default: by role)
  --url ORIGIN                  链接的地址（默认 PUBLIC_URL 或 http://127.0.0.1:$PORT）/ where links point`;

const OPTIONS = {
  role: { type: 'string' },
  county: { type: 'string' },
  society: { type: 'string' },
  name: { type: 'string' },
  url: { type: 'string' },
} as const;

export const signinCommand = defineCommand({
  summary: '打印一次性登录链接和邀请码 / print a one-time sign-in link and code for a role',
  usage: USAGE,
  options: OPTIONS,
  async run(flags) {
    if (!flags.role) throw new UsageError(`缺少 --role / --role is required\n\n${USAGE}`);
    const wanted = NewUser.safeParse({
      role: flags.role,
      name: flags.name ?? '-', // the default comes from the catalog
      ...(flags.county ? { county: flags.county } : {}),
      ...(flags.society ? { society: flags.society } : {}),
    });
    if (!wanted.success) {
      const { bilingualIssues } = await import('#schemas/messages');
      const lines = bilingualIssues(wanted.error.issues).map((i) => `  --${i.path}: ${i.message}`);
      throw new UsageError(`参数有误 / bad options:\n${lines.join('\n')}\n\n${USAGE}`);
    }
    let origin = defaultOrigin();
    if (flags.url !== undefined) {
      if (!URL.canParse(flags.url) || !/^https?:$/.test(new URL(flags.url).protocol))
        throw new UsageError(`--url "${flags.url}" 不是网址 / is not an http(s) URL`);
      origin = new URL(flags.url).origin;
    }
    return withLocalSession({}, async (session) => {
      const { user, invitation } = await localInvitation(
        session.dataDir,
        { ...wanted.data, name: flags.name },
        origin,
      ).catch((error) => {
        if (error instanceof InvalidInputError)
          throw new UsageError(
            error.fields.map((f) => `--${f.path}: ${f.message}`).join('\n') || error.message,
          );
        throw error;
      });
      // Names, the role in words and Beijing time: the operator reads this, and may forward it.
      const { ROLE_LABELS } = await import('#schemas/labels');
      const catalog = await import('#store/catalog');
      const place = user.county
        ? (await catalog.getCounty(user.county))?.name
        : user.society
          ? (await catalog.getSociety(user.society))?.name
          : undefined;
      const role = ROLE_LABELS[user.role];
      const expires = new Date(invitation.expiresAt);
      process.stdout.write(
        [
          `${user.name} · ${role.zh}${place ? ` · ${place.zh}` : ''} / ${role.en}${place ? ` · ${place.en}` : ''}`,
          `登录链接 / sign-in link: ${invitation.url}`,
          `邀请码 / code: ${invitation.code}`,
          `有效期至 ${beijingTime(expires)}（北京时间，仅可使用一次）/ valid until ${beijingTimeEn(expires)}, once only`,
          `用户编号 / user id: ${user.id}`,
        ]
          .map((line) => `${line}\n`)
          .join(''),
      );
      return 0;
    });
  },
});
