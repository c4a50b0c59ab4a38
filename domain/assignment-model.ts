import type { Need, Society } from '#schemas/index';
import { THEMES, URGENCY_WEIGHT } from '#schemas/index';

/**
 * The rule-4 assignment problem in canonical form, shared by the exact and the large-scale solvers.
 *
 * Canonical means independent of input order: societies sorted by id, visits by county id, and
 * within a visit the needs grouped into classes of equal (theme, field) — a society is competent
 * for all of a class or for none of it, so the solvers reason about classes, not needs.
 */

export type AssignableNeed = Pick<Need, 'id' | 'theme' | 'field' | 'urgency'>;
export type AssignableSociety = Pick<Society, 'id' | 'themes' | 'fields' | 'capacityPerSeason'>;

export interface VisitToStaff {
  countyId: string;
  townId: string;
  needs: readonly AssignableNeed[];
}

/** A coordinator's pin: the society joins the county's visit whatever the objective says. */
export interface SocietyPin {
  societyId: string;
  countyId: string;
}

/** A coordinator's exclusion: the society joins none of the season's visits, or not the county's. */
export interface SocietyExclusion {
  societyId: string;
  countyId?: string;
}

export interface AssignmentInput {
  visits: readonly VisitToStaff[];
  societies: readonly AssignableSociety[];
  /** Visits each society already joined this season; they count against its capacity and its load. */
  capacityUsed?: Readonly<Record<string, number>>;
  pins?: readonly SocietyPin[];
  exclusions?: readonly SocietyExclusion[];
}

/** A society may cover a need only when both the need's theme and its field are among the society's. */
export function isCompetent(
  society: Pick<Society, 'themes' | 'fields'>,
  need: Pick<Need, 'theme' | 'field'>,
): boolean {
  return society.themes.includes(need.theme) && society.fields.includes(need.field);
}

export interface ModelSociety {
  id: string;
  source: AssignableSociety;
  capacity: number;
  /** Visits already joined this season (capacityUsed). */
  prior: number;
  /** Visits it may still join: capacity − prior, at least 0. */
  left: number;
  /** Excluded from the whole season by an override. */
  excluded: boolean;
}

export interface NeedClass {
  theme: string;
  field: string;
  /** Summed urgency weight of the class's needs. */
  weight: number;
  /** Indices into the visit's `needs`. */
  needs: number[];
  /** Societies competent for the class that may join the visit (capacity left, not excluded). */
  available: number[];
}

export interface Candidate {
  society: number;
  /** Indices into the visit's `classes` the society is competent for; sorted, never empty. */
  classes: number[];
  pinned: boolean;
}

export interface ModelVisit {
  /** Index of the visit in the input. */
  input: number;
  countyId: string;
  townId: string;
  needs: readonly AssignableNeed[];
  classes: NeedClass[];
  /** Sorted by society index. */
  candidates: Candidate[];
  /** Societies excluded from this visit by an override (society indices). */
  excluded: Set<number>;
}

export interface AssignmentModel {
  /** Sorted by id. */
  societies: ModelSociety[];
  /** Sorted by county id, then town id, then input position. */
  visits: ModelVisit[];
  societyIndex: Map<string, number>;
}

/**
 * A solution: for each canonical visit, the sorted indices of the societies joining it.
 * Which society covers which need is decided afterwards (staffing).
 */
export type Joined = number[][];

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const THEME_ORDER = new Map<string, number>(THEMES.map((theme, index) => [theme, index]));

export function buildModel(input: AssignmentInput): AssignmentModel {
  const capacityUsed = input.capacityUsed ?? {};
  const seasonExcluded = new Set(
    (input.exclusions ?? []).filter((e) => e.countyId === undefined).map((e) => e.societyId),
  );
  const societies: ModelSociety[] = [...input.societies]
    .sort((a, b) => compareIds(a.id, b.id))
    .map((source) => {
      const prior = Math.max(0, capacityUsed[source.id] ?? 0);
      return {
        id: source.id,
        source,
        capacity: source.capacityPerSeason,
        prior,
        left: Math.max(0, source.capacityPerSeason - prior),
        excluded: seasonExcluded.has(source.id),
      };
    });
  const societyIndex = new Map(societies.map((society, index) => [society.id, index]));

  const order = input.visits
    .map((visit, index) => ({ visit, index }))
    .sort(
      (a, b) =>
        compareIds(a.visit.countyId, b.visit.countyId) ||
        compareIds(a.visit.townId, b.visit.townId) ||
        a.index - b.index,
    );
  const visits = order.map(({ visit, index }): ModelVisit => {
    const excluded = new Set<number>();
    for (const exclusion of input.exclusions ?? []) {
      const s = societyIndex.get(exclusion.societyId);
      if (s !== undefined && exclusion.countyId === visit.countyId) excluded.add(s);
    }
    const pinned = new Set<number>();
    for (const pin of input.pins ?? []) {
      const s = societyIndex.get(pin.societyId);
      if (s !== undefined && pin.countyId === visit.countyId) pinned.add(s);
    }
    const classes = classify(visit.needs);
    const candidates: Candidate[] = [];
    societies.forEach((society, s) => {
      const classIndices = classes.flatMap((needClass, k) =>
        isCompetent(society.source, visit.needs[needClass.needs[0]!]!) ? [k] : [],
      );
      if (classIndices.length === 0) return;
      const usable = society.left > 0 && !society.excluded && !excluded.has(s);
      if (!usable) return;
      for (const k of classIndices) classes[k]!.available.push(s);
      candidates.push({ society: s, classes: classIndices, pinned: pinned.has(s) });
    });
    return {
      input: index,
      countyId: visit.countyId,
      townId: visit.townId,
      needs: visit.needs,
      classes,
      candidates,
      excluded,
    };
  });
  return { societies, visits, societyIndex };
}

/** Groups a visit's needs by (theme, field), in theme order then field order. */
function classify(needs: readonly AssignableNeed[]): NeedClass[] {
  const byKey = new Map<string, NeedClass>();
  needs.forEach((need, index) => {
    const key = `${need.theme}\u0000${need.field}`;
    let needClass = byKey.get(key);
    if (needClass === undefined) {
      needClass = { theme: need.theme, field: need.field, weight: 0, needs: [], available: [] };
      byKey.set(key, needClass);
    }
    needClass.weight += URGENCY_WEIGHT[need.urgency];
    needClass.needs.push(index);
  });
  return [...byKey.values()].sort(
    (a, b) =>
      (THEME_ORDER.get(a.theme) ?? 0) - (THEME_ORDER.get(b.theme) ?? 0) || compareIds(a.field, b.field),
  );
}

/** Summed weight of the classes covered at each visit. */
export function coveredWeight(model: AssignmentModel, joined: Joined): number {
  let total = 0;
  model.visits.forEach((visit, v) => {
    total += visitWeight(visit, joined[v] ?? []);
  });
  return total;
}

export function visitWeight(visit: ModelVisit, societies: readonly number[]): number {
  if (societies.length === 0) return 0;
  const covered = new Uint8Array(visit.classes.length);
  for (const s of societies) {
    const candidate = findCandidate(visit, s);
    if (candidate === undefined) continue;
    for (const k of candidate.classes) covered[k] = 1;
  }
  let weight = 0;
  visit.classes.forEach((needClass, k) => {
    if (covered[k]) weight += needClass.weight;
  });
  return weight;
}

export function findCandidate(visit: ModelVisit, society: number): Candidate | undefined {
  // Candidates are sorted by society: binary search.
  let low = 0;
  let high = visit.candidates.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const candidate = visit.candidates[middle]!;
    if (candidate.society === society) return candidate;
    if (candidate.society < society) low = middle + 1;
    else high = middle - 1;
  }
  return undefined;
}

export function pairCount(joined: Joined): number {
  return joined.reduce((sum, societies) => sum + societies.length, 0);
}

export function usage(model: AssignmentModel, joined: Joined): number[] {
  const used = model.societies.map(() => 0);
  for (const societies of joined) for (const s of societies) used[s]! += 1;
  return used;
}

/** Σ over societies with capacity of (load / capacity)², load counting visits joined before this plan. */
export function loadSquares(model: AssignmentModel, joined: Joined): number {
  const used = usage(model, joined);
  return model.societies.reduce((sum, society, s) => {
    if (society.capacity === 0) return sum;
    return sum + ((society.prior + used[s]!) / society.capacity) ** 2;
  }, 0);
}

/** The largest load fraction among societies that join at least one visit in this plan (0 when none). */
export function maxLoadFraction(model: AssignmentModel, joined: Joined): number {
  const used = usage(model, joined);
  return model.societies.reduce((max, society, s) => {
    if (used[s] === 0 || society.capacity === 0) return max;
    return Math.max(max, (society.prior + used[s]!) / society.capacity);
  }, 0);
}

/**
 * The simple upper bound on (a): the summed weight of every need some society with capacity left
 * (and not excluded) is competent for.
 */
export function coverableWeight(model: AssignmentModel): number {
  let total = 0;
  for (const visit of model.visits) {
    for (const needClass of visit.classes) if (needClass.available.length > 0) total += needClass.weight;
  }
  return total;
}

/**
 * Independent parts of the problem: connected components of the graph whose nodes are visits and
 * societies and whose edges are candidate pairs. Capacity couples visits only through shared
 * societies, so each component can be solved on its own. Visits without candidates are left out.
 * Components come in order of their first visit; visit lists are ascending.
 */
export function components(model: AssignmentModel): number[][] {
  const visitCount = model.visits.length;
  const parent = Array.from({ length: visitCount + model.societies.length }, (_, i) => i);
  const find = (node: number): number => {
    let root = node;
    while (parent[root] !== root) root = parent[root]!;
    let current = node;
    while (parent[current] !== root) {
      const next = parent[current]!;
      parent[current] = root;
      current = next;
    }
    return root;
  };
  model.visits.forEach((visit, v) => {
    for (const candidate of visit.candidates) {
      const a = find(v);
      const b = find(visitCount + candidate.society);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  });
  const byRoot = new Map<number, number[]>();
  model.visits.forEach((visit, v) => {
    if (visit.candidates.length === 0) return;
    const root = find(v);
    const list = byRoot.get(root);
    if (list === undefined) byRoot.set(root, [v]);
    else list.push(v);
  });
  return [...byRoot.values()];
}

/**
 * Greedy completion, in place: while some society with capacity left adds uncovered weight to a
 * visit, join the pair adding the most (ties: the society with more capacity left, then lower
 * index, then lower visit). Afterwards every uncovered need's available societies are full.
 */
export function fill(model: AssignmentModel, joined: Joined, visitsToConsider?: readonly number[]): void {
  const used = usage(model, joined);
  const visitList = visitsToConsider ?? model.visits.map((_, v) => v);
  const covered = model.visits.map((visit, v) => coveredClasses(visit, joined[v] ?? []));
  // Lazy greedy: gains only decrease as coverage grows, so stale heap entries are rechecked.
  const heap = new MaxHeap<{ gain: number; left: number; s: number; v: number }>(
    (a, b) => a.gain - b.gain || a.left - b.left || b.s - a.s || b.v - a.v,
  );
  const gainOf = (v: number, s: number): number => {
    const candidate = findCandidate(model.visits[v]!, s);
    if (candidate === undefined) return 0;
    let gain = 0;
    for (const k of candidate.classes) if (!covered[v]![k]) gain += model.visits[v]!.classes[k]!.weight;
    return gain;
  };
  for (const v of visitList) {
    const visit = model.visits[v]!;
    for (const candidate of visit.candidates) {
      const s = candidate.society;
      if (used[s]! >= model.societies[s]!.left || (joined[v] ?? []).includes(s)) continue;
      const gain = gainOf(v, s);
      if (gain > 0) heap.push({ gain, left: model.societies[s]!.left - used[s]!, s, v });
    }
  }
  for (;;) {
    const top = heap.pop();
    if (top === undefined) return;
    const { s, v } = top;
    if (used[s]! >= model.societies[s]!.left) continue;
    const gain = gainOf(v, s);
    const left = model.societies[s]!.left - used[s]!;
    if (gain <= 0) continue;
    if (gain !== top.gain || left !== top.left) {
      heap.push({ gain, left, s, v });
      continue;
    }
    joined[v] = insertSorted(joined[v] ?? [], s);
    used[s]! += 1;
    for (const k of findCandidate(model.visits[v]!, s)!.classes) covered[v]![k] = 1;
  }
}

/**
 * Drops, in place, joined pairs that cover nothing no other joined society on the visit covers
 * (never a pinned pair). Most loaded societies lose their redundant pairs first.
 */
export function prune(model: AssignmentModel, joined: Joined): void {
  const used = usage(model, joined);
  model.visits.forEach((visit, v) => {
    const societies = joined[v] ?? [];
    if (societies.length < 2) return;
    const counts = new Int32Array(visit.classes.length);
    for (const s of societies) for (const k of findCandidate(visit, s)!.classes) counts[k]! += 1;
    const order = [...societies].sort((a, b) => {
      const load = (s: number) =>
        (model.societies[s]!.prior + used[s]!) / Math.max(1, model.societies[s]!.capacity);
      return load(b) - load(a) || b - a;
    });
    for (const s of order) {
      const candidate = findCandidate(visit, s)!;
      if (candidate.pinned) continue;
      if (candidate.classes.every((k) => counts[k]! >= 2)) {
        for (const k of candidate.classes) counts[k]! -= 1;
        joined[v] = joined[v]!.filter((other) => other !== s);
        used[s]! -= 1;
      }
    }
  });
}

export function coveredClasses(visit: ModelVisit, societies: readonly number[]): Uint8Array {
  const covered = new Uint8Array(visit.classes.length);
  for (const s of societies) {
    const candidate = findCandidate(visit, s);
    if (candidate !== undefined) for (const k of candidate.classes) covered[k] = 1;
  }
  return covered;
}

export function insertSorted(list: readonly number[], value: number): number[] {
  const result = [...list];
  let index = result.length;
  while (index > 0 && result[index - 1]! > value) index -= 1;
  if (result[index - 1] === value) return result;
  result.splice(index, 0, value);
  return result;
}

/** A binary max-heap ordered by `compare` (positive when a ranks above b). */
export class MaxHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.compare(items[index]!, items[parent]!) <= 0) break;
      [items[index], items[parent]] = [items[parent]!, items[index]!];
      index = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        const right = left + 1;
        let best = index;
        if (left < items.length && this.compare(items[left]!, items[best]!) > 0) best = left;
        if (right < items.length && this.compare(items[right]!, items[best]!) > 0) best = right;
        if (best === index) break;
        [items[index], items[best]] = [items[best]!, items[index]!];
        index = best;
      }
    }
    return top;
  }
}
