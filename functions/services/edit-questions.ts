import { ConflictError } from '#commons/errors';
import { canonicalJson } from '#domain/canonical-json';
import type { QuestionWording } from '#schemas/primitives';
import { THEMES } from '#schemas/primitives';
import { DEFAULT_QUESTIONS, type SeasonQuestions } from '#schemas/questions';
import { latestQuestions, putQuestionsVersion } from '#store/questions';
import type { AuditActor } from '#store/users';

/** The five questions' wording of a season: the newest version, else the spec's wording. */

const wordingOnly = (wording: QuestionWording): QuestionWording =>
  Object.fromEntries(
    THEMES.map((theme) => [theme, { zh: wording[theme].zh, en: wording[theme].en }]),
  ) as QuestionWording;

export async function seasonQuestions(season: string): Promise<SeasonQuestions> {
  const latest = await latestQuestions(season);
  if (!latest) return { season, version: 0, ...wordingOnly(DEFAULT_QUESTIONS) };
  return { season, version: latest.version, updatedAt: latest.at, updatedBy: latest.by, ...latest.wording };
}

/** The wording a visit of the season is framed with now. */
export async function seasonWording(season: string): Promise<QuestionWording> {
  return (await latestQuestions(season))?.wording ?? wordingOnly(DEFAULT_QUESTIONS);
}

/**
 * A new version of the season's wording, kept beside the earlier ones; the same wording again adds
 * nothing (a retried PUT). Two coordinators saving at once: one wins, the other is 409.
 */
export async function changeSeasonQuestions(
  season: string,
  wording: QuestionWording,
  by: AuditActor,
  expectedVersion?: number,
): Promise<SeasonQuestions> {
  const current = await seasonQuestions(season);
  if (expectedVersion !== undefined && expectedVersion !== current.version)
    throw new ConflictError(
      `${season} 的问题措辞已被他人改为第 ${current.version} 版（您读取的是第 ${expectedVersion} 版），请重新读取后再改 / the ${season} wording was changed to version ${current.version} since you read version ${expectedVersion}: read it again and redo your change`,
      [
        {
          path: 'If-Match',
          message: `不是当前版本 / not the current version (${current.version})`,
          zh: '不是当前版本',
          en: `not the current version (${current.version})`,
        },
      ],
    );
  const before = wordingOnly(current);
  const after = wordingOnly(wording);
  if (canonicalJson(before) === canonicalJson(after)) return current;
  const at = new Date().toISOString();
  const version = current.version + 1;
  const written = await putQuestionsVersion(
    { season, version, wording: after, at, by },
    {
      at,
      by,
      action: 'questions.update',
      target: {
        kind: 'questions',
        id: season,
        name: { zh: `${season} 一镇五问`, en: `${season} five questions` },
      },
      before,
      after,
    },
  );
  if (!written)
    throw new ConflictError(
      `${season} 的问题措辞刚被他人修改，请重新读取后再改 / the ${season} wording was just changed by someone else: read it again and redo your change`,
    );
  return { season, version, updatedAt: at, updatedBy: by, ...after };
}
