import * as z from 'zod';
import { CountyList } from '#schemas/api';
import { County, Society } from '#schemas/catalog';
import {
  AuditPage,
  AuditQuery,
  CatalogImportRequest,
  CatalogImportResult,
  CountyBody,
  IfMatch,
  SocietyBody,
  SocietyList,
  TemplateQuery,
  VersionedCounty,
  VersionedSociety,
} from '#schemas/catalog-api';
import { Slug } from '#schemas/primitives';
import { defineRoute } from './route.ts';

export const getCounties = defineRoute({
  method: 'GET',
  path: '/counties',
  functionId: 'GetCounties',
  operationId: 'listCounties',
  summary: '县与乡镇（表单用）/ counties and their towns, for the form',
  description:
    '协调人看到联系方式（加签密钥只显示 `webhookSecretSet`），其他角色只看到联系人、电话和邮箱。/ A coordinator reads the contact (the signing secret only as `webhookSecretSet`); other roles read only name, phone and e-mail.',
  tag: 'catalog',
  access: { roles: ['coordinator', 'liaison', 'team'] },
  responses: { 200: { description: '各县及其乡镇 / the counties with their towns', schema: CountyList } },
  readCost: "1 Query of the catalog's counties (one partition, a page per 1 MB)",
});

/*
 * The coordinators' catalog (docs/api.md, catalog, questions and audit): counties with their towns and
 * societies in the data directory's shapes. A change names the version it was made on (`If-Match`),
 * so two coordinators never silently overwrite each other; each change goes to the audit log.
 */
const COORDINATOR = { roles: ['coordinator'] } as const;
const SocietyParams = z.strictObject({ societyId: Slug });
const CountyParams = z.strictObject({ countyId: Slug });
const VERSION_NOTE =
  '`If-Match` 为读取时的版本（`version`）；他人已修改则为 409。/ `If-Match` is the version read (`version`); 409 when someone changed it since.';

export const listSocieties = defineRoute({
  method: 'GET',
  path: '/societies',
  functionId: 'ManageCatalog',
  operationId: 'listSocieties',
  summary: '学会目录（团队成员只见本学会）/ the societies (a team member sees only their own)',
  tag: 'catalog',
  access: { roles: ['coordinator', 'team'], ownSociety: true },
  responses: {
    200: { description: '全部学会及其版本 / every society with its version', schema: SocietyList },
  },
  readCost: "1 Query of the catalog's societies (one partition, a page per 1 MB)",
});

export const createSociety = defineRoute({
  method: 'POST',
  path: '/societies',
  functionId: 'ManageCatalog',
  operationId: 'createSociety',
  summary: '新增学会 / add a society',
  tag: 'catalog',
  access: COORDINATOR,
  body: SocietyBody,
  responses: {
    201: { description: '新学会（第 1 版）/ the new society (version 1)', schema: VersionedSociety },
  },
  errors: [409],
  readCost: '1 GetItem (consistent) of the society',
});

export const updateSociety = defineRoute({
  method: 'PUT',
  path: '/societies/{societyId}',
  functionId: 'ManageCatalog',
  operationId: 'updateSociety',
  summary: '修改学会 / change a society',
  description: `${VERSION_NOTE} 有待答复的邀请时不能改主题、领域或容量；容量不能少于本季已用。/ While an offer waits, themes, fields and capacity stay; capacity never below this season's use.`,
  tag: 'catalog',
  access: COORDINATOR,
  params: SocietyParams,
  headers: IfMatch,
  body: SocietyBody,
  responses: { 200: { description: '修改后的学会 / the society as changed', schema: VersionedSociety } },
  errors: [404, 409],
  readCost:
    '1 GetItem (consistent) of the society (+ its offers, a Query on gsi1, and the counties naming a waiting one, when what offers depend on changes)',
});

export const removeSociety = defineRoute({
  method: 'DELETE',
  path: '/societies/{societyId}',
  functionId: 'ManageCatalog',
  operationId: 'removeSociety',
  summary: '删除学会（无待答复的邀请时）/ remove a society (no offer waiting)',
  description: VERSION_NOTE,
  tag: 'catalog',
  access: COORDINATOR,
  params: SocietyParams,
  headers: IfMatch,
  responses: { 200: { description: '已删除的学会 / the society removed', schema: Society } },
  errors: [404, 409],
  readCost:
    '1 GetItem (consistent) of the society + its offers (a Query on gsi1) (+ the counties naming a waiting one)',
});

export const createCounty = defineRoute({
  method: 'POST',
  path: '/counties',
  functionId: 'ManageCatalog',
  operationId: 'createCounty',
  summary: '新增县及其乡镇 / add a county with its towns',
  tag: 'catalog',
  access: COORDINATOR,
  body: CountyBody,
  responses: { 201: { description: '新县（第 1 版）/ the new county (version 1)', schema: VersionedCounty } },
  errors: [409],
  readCost: '1 GetItem (consistent) of the county',
});

export const updateCounty = defineRoute({
  method: 'PUT',
  path: '/counties/{countyId}',
  functionId: 'ManageCatalog',
  operationId: 'updateCounty',
  summary: '修改县及其乡镇 / change a county and its towns',
  description: `${VERSION_NOTE} 有未解决需求的乡镇不能删除。/ A town with open needs cannot be removed.`,
  tag: 'catalog',
  access: COORDINATOR,
  params: CountyParams,
  headers: IfMatch,
  body: CountyBody,
  responses: { 200: { description: '修改后的县 / the county as changed', schema: VersionedCounty } },
  errors: [404, 409],
  readCost: '1 GetItem (consistent) of the county (+ 1 Query on gsi1 of its open needs when a town goes)',
});

export const removeCounty = defineRoute({
  method: 'DELETE',
  path: '/counties/{countyId}',
  functionId: 'ManageCatalog',
  operationId: 'removeCounty',
  summary: '删除县（无未解决需求时）/ remove a county (no open needs)',
  description: VERSION_NOTE,
  tag: 'catalog',
  access: COORDINATOR,
  params: CountyParams,
  headers: IfMatch,
  responses: { 200: { description: '已删除的县 / the county removed', schema: County } },
  errors: [404, 409],
  readCost: '1 GetItem (consistent) of the county + 1 Query on gsi1 of its open needs',
});

export const importCatalog = defineRoute({
  method: 'POST',
  path: '/catalog/import',
  functionId: 'ManageCatalog',
  operationId: 'importCatalog',
  summary: '用表格批量修改目录（先预览）/ bulk edit of the catalog by spreadsheet (preview first)',
  description:
    "一个工作表：学会（学会编号、学会名称、英文名称、主题、专业领域、容量、联系人、电话、邮箱、Webhook、机器人类型）或县与乡镇（县编号、县名、县英文名、镇编号、镇名、镇英文名，每个乡镇一行；联系人、电子邮件、手机号、群机器人、机器人类型）。加签密钥列只导入不导出，留空则保留。全部成功或全部不做，每个错误注明行与列；同一文件再导入不改变任何内容。`apply: false` 只预览。/ One sheet: societies or counties with a row per town and the county's contact, Chinese headers. A 加签密钥 (signing secret) column is read, never written; its empty cell keeps the secret. All or nothing, each error by row and column; the same file again changes nothing. `apply: false` previews.",
  tag: 'catalog',
  access: COORDINATOR,
  body: CatalogImportRequest,
  bodyLimit: 3 * 1024 * 1024,
  responses: {
    200: {
      description: '修改（或将做的修改）/ the changes (made, or to be made)',
      schema: CatalogImportResult,
    },
  },
  errors: [409],
  readCost:
    "the catalog's counties and societies (1 Query each), then per changed row the checks of its PUT or DELETE",
});

export const catalogTemplate = defineRoute({
  method: 'GET',
  path: '/catalog/template',
  functionId: 'ManageCatalog',
  operationId: 'catalogTemplate',
  summary: '下载当前目录表格（XLSX，可修改后导入）/ the catalog as it stands, as XLSX to edit and import',
  tag: 'catalog',
  access: COORDINATOR,
  query: TemplateQuery,
  responses: {
    200: {
      description: '学会或县与乡镇工作表 / the societies or the counties sheet',
      files: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'binary' },
    },
  },
  readCost: "1 Query of the catalog's counties or societies",
});

export const listAudit = defineRoute({
  method: 'GET',
  path: '/audit',
  functionId: 'ListAudit',
  operationId: 'listAudit',
  summary: '操作记录（最新在前）/ the audit log, newest first',
  description:
    '每项修改：谁（用户编号与姓名）、何时、做了什么、修改前 → 修改后。/ Every change: who (user id and name), when, what, before → after.',
  tag: 'catalog',
  access: COORDINATOR,
  query: AuditQuery,
  responses: { 200: { description: '一页记录 / one page of entries', schema: AuditPage } },
  readCost: '1 Query page (limit) of the audit partition, newest first',
});
