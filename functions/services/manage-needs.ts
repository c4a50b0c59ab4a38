import { createHash } from 'node:crypto';
import * as z from 'zod';
import { ConflictError, fieldIssue, InvalidInputError, NotFoundError } from '#commons/errors';
import { requireOwnCounty } from '#commons/http';
import {
  type Actor,
  canonicalJson,
  keyedNeedId,
  newNeed,
  requestHash,
  seasonOfNeed,
  shanghaiTimestamp,
  townOfCounty,
} from '#domain/needs';
import { seasonOfInstant } from '#domain/season';
import type { County } from '#schemas/catalog';
import { needIndexPrefix } from '#schemas/keys';
import { NEED_STATUSES } from '#schemas/need';
import {
  type NeedInput,
  type NeedListQuery,
  type NeedPage,
  type NeedPatch,
  type NeedView,
  PAGE_SIZE_DEFAULT,
  type WithdrawInput,
} from '#schemas/need-api';
import { Slug } from '#schemas/primitives';
import { listCounties } from '#store/catalog';
import {
  changeOpenNeed,
  createNeedOnce,
  type NeedPosition,
  type NeedSegment,
  putNeedIfAbsent,
  readNeed,
  readNeedPage,
} from '#store/needs';
import { countyOffers } from '#store/offers';
import { historyOfCounty } from '#store/rounds';

/*
 * What the needs endpoints do, over the store: the county of a stored need, idempotent creation,
 * cursors. Input arrives validated and the caller's role checked by the route middleware
 * (functions/commons/http.ts, declarations in functions/routes/needs.ts).
 */

// ---- the catalog, cached per process (a Lambda container keeps it for a minute) ------------------

const CATALOG_TTL_MS = 60_000;
/** An unknown county makes a re-read when the cache is older than this. */
const CATALOG_MISS_REFRESH_MS = 2_000;
let catalog: { at: number; counties: Promise<Map<string, County>> } | undefined;

function loadCatalog(now: number): Promise<Map<string, County>> {
  const counties = listCounties().then((list) => new Map(list.map((c) => [c.id, c])));
  catalog = { at: now, counties };
  counties.catch(() => {
    if (catalog?.counties === counties) catalog = undefined;
  });
  return counties;
}

export async function countiesById(): Promise<Map<string, County>> {
  const now = Date.now();
  if (!catalog || now - catalog.at > CATALOG_TTL_MS) return loadCatalog(now);
  return catalog.counties;
}

async function countyById(countyId: string): Promise<County | undefined> {
  const county = (await countiesById()).get(countyId);
  if (county || !catalog || Date.now() - catalog.at < CATALOG_MISS_REFRESH_MS) return county;
  return (await loadCatalog(Date.now())).get(countyId);
}

// ---- access ---------------------------------------------------------------------------------------

async function existingNeed(actor: Actor, needId: string): Promise<NeedView> {
  const need = await readNeed(needId);
  if (!need) throw new NotFoundError(`没有编号为 ${needId} 的需求 / no need with id ${needId}`);
  requireOwnCounty(actor, need.countyId);
  return need;
}

function unknownTown(countyId: string, townId: string): InvalidInputError {
  const issue = fieldIssue(
    'townId',
    `「乡镇（街道）」${townId} 不属于 ${countyId}`,
    `Town ${townId} is not a town of county ${countyId}`,
  );
  return new InvalidInputError(issue.message, [issue]);
}

// ---- create -----------------------------------------------------------------------------------------

export interface Submitted {
  need: NeedView;
  /** True when an earlier request with the same Idempotency-Key created it. */
  replayed: boolean;
}

/**
 * `POST /needs`. With an Idempotency-Key the same key and body give the same need once (also for
 * concurrent requests); the same key with another body is a 409.
 */
export async function submitNeed(
  actor: Actor,
  input: NeedInput,
  key: string | undefined,
  now: Date = new Date(),
): Promise<Submitted> {
  requireOwnCounty(actor, input.countyId);
  const county = await countyById(input.countyId);
  if (!county) {
    const issue = fieldIssue(
      'countyId',
      `「县（市、区）」${input.countyId} 不存在`,
      `County ${input.countyId} does not exist`,
    );
    throw new InvalidInputError(issue.message, [issue]);
  }
  if (!townOfCounty(county, input.townId)) throw unknownTown(input.countyId, input.townId);

  if (key === undefined) {
    // No key: a random id; a clash (48 random bits beside the clock) only means another draw.
    for (let attempt = 0; attempt < 3; attempt++) {
      const need = newNeed(input, actor, now);
      if (await putNeedIfAbsent(need)) return { need: need as NeedView, replayed: false };
    }
    throw new ConflictError('未能生成唯一的需求编号，请重试 / could not allocate a unique need id; retry');
  }
  const outcome = await createNeedOnce(
    newNeed(input, actor, now, keyedNeedId(actor.subject, key)),
    requestHash(input),
  );
  if (outcome.kind === 'key-reused') {
    throw new ConflictError(
      '此幂等键已用于另一份内容的提交 / this Idempotency-Key was used with a different request body',
    );
  }
  return { need: outcome.need, replayed: outcome.kind === 'replayed' };
}

// ---- read -------------------------------------------------------------------------------------------

export async function showNeed(actor: Actor, needId: string): Promise<NeedView> {
  return existingNeed(actor, needId);
}

const Cursor = z.strictObject({
  v: z.literal(1),
  q: z.string(),
  c: Slug,
  p: z.int().min(0).max(NEED_STATUSES.length),
  a: z
    .string()
    .regex(/^[a-z]+#[a-z0-9-]{1,64}#[a-z0-9-]{1,64}$/)
    .optional(),
});

function badCursor(): InvalidInputError {
  const message = '「翻页标记」无效或不属于此查询 / Cursor is not valid for this query';
  return new InvalidInputError(message, [{ path: 'cursor', message }]);
}

/**
 * `GET /needs`: a liaison's own county, or for a coordinator the named county or every county in
 * turn — one Query per county (and status, when a town is named without one) on gsi1.
 */
export async function listNeeds(actor: Actor, query: NeedListQuery): Promise<NeedPage> {
  if (query.countyId !== undefined) requireOwnCounty(actor, query.countyId);

  const counties =
    query.countyId !== undefined
      ? [query.countyId]
      : actor.role === 'liaison'
        ? [actor.county as string]
        : [...(await countiesById()).keys()].sort();
  const prefixes: (string | undefined)[] = query.status
    ? [needIndexPrefix(query.status, query.townId)]
    : query.townId
      ? NEED_STATUSES.map((status) => needIndexPrefix(status, query.townId))
      : [undefined];
  const segments: NeedSegment[] = counties.flatMap((countyId) =>
    prefixes.map((prefix) => ({ countyId, ...(prefix ? { prefix } : {}) })),
  );

  const tag = createHash('sha256')
    .update(
      canonicalJson({
        countyId: query.countyId,
        townId: query.townId,
        status: query.status,
        season: query.season,
        scope: actor.role === 'liaison' ? actor.county : '*',
      }),
    )
    .digest('base64url')
    .slice(0, 12);

  let start: NeedPosition | undefined;
  if (query.cursor !== undefined) {
    let decoded: z.infer<typeof Cursor>;
    try {
      decoded = Cursor.parse(JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8')));
    } catch {
      throw badCursor();
    }
    const segment = segments.findIndex(
      (s) => s.countyId === decoded.c && prefixes.indexOf(s.prefix) === decoded.p,
    );
    if (decoded.q !== tag || segment < 0) throw badCursor();
    const prefix = segments[segment]!.prefix;
    if (decoded.a !== undefined && prefix && !decoded.a.startsWith(prefix)) throw badCursor();
    start = { segment, ...(decoded.a ? { after: decoded.a } : {}) };
  }

  const season = query.season;
  const page = await readNeedPage({
    segments,
    ...(start ? { start } : {}),
    limit: query.limit ?? PAGE_SIZE_DEFAULT,
    ...(season ? { accept: (need: NeedView) => seasonOfNeed(need) === season } : {}),
  });
  if (!page.next) return { items: page.items };
  const at = segments[page.next.segment]!;
  const cursor = Buffer.from(
    JSON.stringify({
      v: 1,
      q: tag,
      c: at.countyId,
      p: prefixes.indexOf(at.prefix),
      ...(page.next.after ? { a: page.next.after } : {}),
    }),
  ).toString('base64url');
  return { items: page.items, cursor };
}

// ---- change -----------------------------------------------------------------------------------------

function notOpen(need: NeedView): ConflictError {
  return new ConflictError(
    `需求 ${need.id} 状态为 ${need.status}，只有待解决的需求可以修改或撤回 / need ${need.id} is ${need.status}; only open needs can be changed or withdrawn`,
  );
}

/** Offers that let go of their needs: anything else (offered, accepted…) holds them. */
const RELEASED = new Set(['declined', 'expired', 'reassigned', 'withdrawn']);

/**
 * Whether a society holds the need on an offer: only visits of its town since it was submitted can
 * carry it (the county's history, one Query), then those seasons' offers of the county (a Query each).
 */
async function heldOnOffer(need: NeedView): Promise<boolean> {
  const since = seasonOfInstant(new Date(need.submittedAt));
  const seasons = (await historyOfCounty(need.countyId))
    .filter((visit) => visit.townId === need.townId && visit.season >= since)
    .map((visit) => visit.season);
  const offers = (await Promise.all(seasons.map((season) => countyOffers(season, need.countyId)))).flat();
  return offers.some((offer) => !RELEASED.has(offer.status) && offer.needIds.includes(need.id));
}

/** `PATCH /needs/{id}`: while the need is open; its town and theme only while no offer holds it. */
export async function editNeed(
  actor: Actor,
  id: string,
  patch: NeedPatch,
  now: Date = new Date(),
): Promise<NeedView> {
  const need = await existingNeed(actor, id);
  if (need.status !== 'open') throw notOpen(need);
  const moves =
    (patch.townId !== undefined && patch.townId !== need.townId) ||
    (patch.theme !== undefined && patch.theme !== need.theme);
  if (moves && (await heldOnOffer(need)))
    throw new ConflictError(
      `需求「${need.title}」已派给学会，不能再改乡镇或主题；可补充说明 / the need "${need.title}" is on a society's offer: its town and theme are fixed; its detail may still be added to`,
    );
  if (patch.townId !== undefined && patch.townId !== need.townId) {
    const county = await countyById(need.countyId);
    if (!county || !townOfCounty(county, patch.townId)) throw unknownTown(need.countyId, patch.townId);
  }
  const { detail, ...rest } = patch;
  const changed = await changeOpenNeed(id, {
    set: {
      ...rest,
      ...(detail !== undefined ? { detail: detail === '' ? undefined : detail } : {}),
      updatedAt: shanghaiTimestamp(now),
      updatedBy: actor.subject,
    },
    townId: need.townId,
    ...(patch.townId ? { newTownId: patch.townId } : {}),
  });
  if (changed) return changed;
  const current = await existingNeed(actor, id);
  if (current.status !== 'open') throw notOpen(current);
  throw new ConflictError(
    '需求刚被他人修改，请刷新后重试 / the need was changed meanwhile; reload and retry',
  );
}

/** `POST /needs/{id}/withdraw`: an open need becomes withdrawn; withdrawing it again changes nothing. */
export async function withdrawNeed(
  actor: Actor,
  id: string,
  input: WithdrawInput,
  now: Date = new Date(),
): Promise<NeedView> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const need = await existingNeed(actor, id);
    if (need.status === 'withdrawn') return need;
    if (need.status !== 'open') throw notOpen(need);
    const changed = await changeOpenNeed(id, {
      status: 'withdrawn',
      set: {
        withdrawnAt: shanghaiTimestamp(now),
        withdrawnBy: actor.subject,
        ...(input.reason ? { withdrawReason: input.reason } : {}),
      },
      townId: need.townId,
    });
    if (changed) return changed;
  }
  throw new ConflictError(
    '需求刚被他人修改，请刷新后重试 / the need was changed meanwhile; reload and retry',
  );
}
