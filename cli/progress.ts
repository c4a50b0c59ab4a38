import type { EventLog } from '#local/round-runner';
import { parseOfferId } from '#schemas/keys';
import type { LocalizedName } from '#schemas/primitives';

/** What each state does, for people: Chinese first, English on request. */
const STEP_NAMES: Record<string, { zh: string; en: string }> = {
  LoadRound: { zh: '读取本季与各县', en: 'load the season and counties' },
  IsSeasonAlreadyPlanned: { zh: '本季是否已有计划', en: 'is the season planned already' },
  ChooseTownPerCounty: { zh: '各县选定乡镇', en: 'choose a town per county' },
  ChooseTown: { zh: '选定乡镇', en: 'choose the town' },
  FrameFiveQuestions: { zh: '拟定“五问”', en: 'frame the five questions' },
  SaveDraftVisit: { zh: '暂存该县走访草案', en: 'save the draft visit' },
  AssignSocieties: { zh: '分派学会', en: 'assign societies' },
  PersistPlanPerBatch: { zh: '分批保存计划', en: 'save the plan in batches of counties' },
  PersistPlanBatch: { zh: '保存一批县的计划', en: 'save the plan of a batch of counties' },
  PersistPlan: { zh: '计划保存完毕', en: 'mark the plan saved' },
  IsPlanApproved: { zh: '计划是否已批准', en: 'is the plan approved' },
  ApprovePlanAutomatically: {
    zh: '自动批准计划（AUTO_APPROVE）',
    en: 'approve the plan automatically (AUTO_APPROVE)',
  },
  NotifyPlanReady: { zh: '通知协调人审核计划', en: 'tell the coordinator the plan is ready' },
  AwaitPlanApproval: { zh: '协调人已批准计划', en: 'the coordinator approved the plan' },
  ApprovePlanOnTimeout: { zh: '审核期满，计划自动批准', en: 'review time over: the plan is approved' },
  IsHandPlacement: { zh: '是否手工安排', en: 'is it a hand placement' },
  HandPlacementDone: { zh: '手工安排的邀请已答复', en: 'the hand-placed offer is answered' },
  ListPendingOffers: { zh: '列出待答复的邀请', en: 'list offers awaiting an answer' },
  OfferEachSociety: { zh: '向各学会发出邀请', en: 'offer to each society' },
  SendOfferAndWaitForAnswer: { zh: '发出邀请并等待答复', en: 'send the offer and wait for the answer' },
  RecordAcceptance: { zh: '记录接受', en: 'record the acceptance' },
  RecordOfferDeclined: { zh: '记录婉拒', en: 'record the decline' },
  RecordOfferExpired: { zh: '记录逾期未答复', en: 'record no answer in time' },
  FindNextSociety: { zh: '寻找改派学会', en: 'find the next society' },
  IsAnotherSocietyFound: { zh: '是否找到改派学会', en: 'was another society found' },
  OfferToNextSociety: { zh: '改派给下一个学会', en: 'offer to the next society' },
  HoldAlertUntilDaytime: { zh: '等待非静默时段', en: 'hold the alert until daytime' },
  AlertCoordinator: { zh: '提醒协调人', en: 'alert the coordinator' },
  NoNeedsLeftToMove: { zh: '无需改派', en: 'no needs left to move' },
  CompleteRound: { zh: '完成本轮', en: 'complete the round' },
  RecordRoundFailure: { zh: '记录失败', en: 'record the failure' },
  RoundFailed: { zh: '本轮失败', en: 'round failed' },
};

export type Lang = 'zh' | 'en';

/** Names for the ids a step's input carries: a person reads 淳安县 · 临岐镇, not chunan · linqi. */
export interface ProgressNames {
  county(countyId: string): string | undefined;
  town(countyId: string, townId: string): string | undefined;
  society(societyId: string): string | undefined;
}

/** The names of a catalog, in one language. */
export function catalogNames(
  catalog: {
    counties: readonly {
      id: string;
      name: LocalizedName;
      towns: readonly { id: string; name: LocalizedName }[];
    }[];
    societies: readonly { id: string; name: LocalizedName }[];
  },
  lang: Lang,
): ProgressNames {
  const counties = new Map(catalog.counties.map((c) => [c.id, c]));
  const societies = new Map(catalog.societies.map((s) => [s.id, s]));
  return {
    county: (id) => counties.get(id)?.name[lang],
    town: (countyId, townId) => counties.get(countyId)?.towns.find((t) => t.id === townId)?.name[lang],
    society: (id) => societies.get(id)?.name[lang],
  };
}

function describe(item: unknown, names: ProgressNames | undefined): string {
  if (!item || typeof item !== 'object') return '';
  const value = item as Record<string, unknown>;
  const payload = (value.Payload ?? value) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const countyId = text(payload.countyId);
  const townId = text(payload.townId);
  const offer = text(payload.offerId);
  const parts: (string | undefined)[] = [];
  // An id whose name is not known (a county removed since) is shown as it is.
  if (countyId) parts.push(names?.county(countyId) ?? countyId);
  if (countyId && townId) parts.push(names?.town(countyId, townId) ?? townId);
  if (offer) {
    const parsed = parseOfferId(offer);
    if (parsed && names) {
      if (!countyId) parts.push(names.county(parsed.countyId) ?? parsed.countyId);
      parts.push(names.society(parsed.societyId) ?? parsed.societyId);
    } else parts.push(offer);
  }
  return parts.length > 0 ? ` ${parts.join(' · ')}` : '';
}

/** One line per finished step (and per retry or caught error), or undefined for events not worth a line. */
export function progressLine(event: EventLog, lang: Lang = 'zh', names?: ProgressNames): string | undefined {
  const time = new Date(event.timestamp).toISOString().slice(11, 19);
  if (
    event.type === 'StateExited' ||
    event.type === 'StateRetried' ||
    event.type === 'StateCaught' ||
    event.type === 'StateFailed'
  ) {
    const { name, input, output } = event.state;
    if (event.type === 'StateExited' && (event.state.type === 'Choice' || event.state.type === 'Pass'))
      return undefined;
    const label = STEP_NAMES[name]?.[lang] ?? name;
    const marks: Record<string, string> = {
      StateExited: '✓',
      StateRetried: '↻',
      StateCaught: '↪',
      StateFailed: '✗',
    };
    const mark = marks[event.type];
    const detail = describe(output, names) || describe(input, names);
    return `${time} ${mark} ${label} (${name})${detail}`;
  }
  if (event.type === 'StateEntered' && event.state.name === 'AwaitPlanApproval') {
    return lang === 'zh'
      ? `${time} … 等待协调人在计划审核页（/plan.html）调整并批准计划`
      : `${time} … waiting for the coordinator to review and approve the plan (/plan.html)`;
  }
  if (event.type === 'ExecutionFailed')
    return `${time} ✗ ${lang === 'zh' ? '执行失败' : 'execution failed'}: ${event.Error}`;
  return undefined;
}
