import { createHash, randomBytes } from 'node:crypto';
import type { County, NeedInput, SeasonId, StoredNeed, UserRole } from '#schemas/index';
import { shanghaiTimestamp } from '#schemas/shanghai-time';
import { seasonOfInstant } from './season.ts';

/*
 * The rules of submitting and following needs, as plain functions: who may touch which county,
 * what a new need looks like, how a request is fingerprinted for idempotency. No AWS here.
 */

export type Role = UserRole;

export interface Actor {
  subject: string;
  role: Role;
  county?: string;
}

/** A coordinator reads and writes every county; a liaison only their own; a team none. */
export function mayAccessCounty(actor: Actor, countyId: string): boolean {
  if (actor.role === 'coordinator') return true;
  return actor.role === 'liaison' && actor.county !== undefined && actor.county === countyId;
}

/** Instants are written in China Standard Time, like the rest of the data: `2026-10-01T09:00:00.000+08:00`. */
export { shanghaiTimestamp };

const ID_LIMIT = 64;

/**
 * `need-<countyId>-<time><random>`: a lowercase slug, roughly ordered by time within a county,
 * unique without coordination (48 random bits next to a millisecond clock).
 */
export function newNeedId(countyId: string, at: Date, random: Uint8Array = randomBytes(6)): string {
  const time = at.getTime().toString(36).padStart(9, '0');
  const noise = Buffer.from(random).readUIntBE(0, 6).toString(36).padStart(10, '0');
  const tail = `-${time}${noise}`;
  const county = countyId.slice(0, ID_LIMIT - 'need-'.length - tail.length).replace(/-+$/, '');
  return `need-${county}${tail}`;
}

/** The town must be one of the county's towns. */
export function townOfCounty(county: Pick<County, 'towns'>, townId: string): boolean {
  return county.towns.some((town) => town.id === townId);
}

/** The stored need a valid submission becomes. Empty detail is left out. */
export function newNeed(
  input: NeedInput,
  actor: Actor,
  at: Date,
  id = newNeedId(input.countyId, at),
): StoredNeed {
  const { detail, ...rest } = input;
  return {
    id,
    ...rest,
    ...(detail ? { detail } : {}),
    status: 'open',
    submittedAt: shanghaiTimestamp(at),
    submittedBy: actor.subject,
  };
}

/** The season (quarter, Asia/Shanghai) a need was submitted in. */
export function seasonOfNeed(need: Pick<StoredNeed, 'submittedAt'>): SeasonId {
  return seasonOfInstant(new Date(need.submittedAt));
}

/** JSON with object keys sorted, so equal values have one text whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Fingerprint of a validated submission: the same need with keys in another order is the same request. */
export function requestHash(input: unknown): string {
  return createHash('sha256').update(canonicalJson(input)).digest('base64url');
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * The id of the need a POST with an Idempotency-Key creates: `need-<20 base32 characters of
 * sha256(caller, key)>` (100 bits). The key, not the body, decides the id, so a retry (or 50 at
 * once) lands on the same item, and one conditional put decides which request created it. No county
 * in it: the same key with another county must meet the first need, to be refused as another body.
 */
export function keyedNeedId(subject: string, key: string): string {
  const digest = createHash('sha256').update(`${subject}\n${key}`).digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5 && out.length < 20) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === 20) break;
  }
  return `need-${out}`;
}
