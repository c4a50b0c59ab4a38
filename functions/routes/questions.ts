import * as z from 'zod';
import { OptionalIfMatch } from '#schemas/catalog-api';
import { QuestionWording, SeasonId } from '#schemas/primitives';
import { SeasonQuestions } from '#schemas/questions';
import { defineRoute } from './route.ts';

const SeasonParams = z.strictObject({ season: SeasonId });

export const getSeasonQuestions = defineRoute({
  method: 'GET',
  path: '/seasons/{season}/questions',
  functionId: 'SeasonQuestions',
  operationId: 'getSeasonQuestions',
  summary: '本季五问的措辞 / the season’s wording of the five questions',
  description:
    '未修改过时为默认措辞（version 0）。县联络员也可读取：需求填报表单以此作提示。/ The default wording (version 0) until a coordinator changes it. Liaisons read it too: the needs form shows it as its hints.',
  tag: 'rounds',
  access: { roles: ['coordinator', 'liaison'] },
  params: SeasonParams,
  responses: { 200: { description: '当前措辞 / the wording in force', schema: SeasonQuestions } },
  readCost: "1 Query (Limit 1, newest first) of the season's question versions",
});

export const putSeasonQuestions = defineRoute({
  method: 'PUT',
  path: '/seasons/{season}/questions',
  functionId: 'SeasonQuestions',
  operationId: 'putSeasonQuestions',
  summary: '修改本季五问的措辞（新版本）/ change the season’s wording (a new version)',
  description:
    '每次修改保存为新版本，旧版本保留；此后安排的走访使用新措辞，已安排的走访保留原措辞。`If-Match` 为读取时的版本，他人已修改则为 409。/ Each change is a new version, the earlier kept; visits framed from then on use it, visits framed before keep theirs. `If-Match` names the version read: 409 when someone changed it since.',
  tag: 'rounds',
  access: { roles: ['coordinator'] },
  params: SeasonParams,
  headers: OptionalIfMatch,
  body: QuestionWording,
  responses: { 200: { description: '新的措辞 / the wording now in force', schema: SeasonQuestions } },
  errors: [409],
  readCost: "1 Query (Limit 1) of the season's question versions",
});
