import * as z from 'zod';
import { IsoDateTime, Slug, text } from './primitives.ts';

/*
 * People who sign in (docs/api.md, users and sign-in): a coordinator invites each user; a liaison is bound
 * to one county, a team member to one society. An invitation is a one-time code (and a link that
 * carries it) that signs a browser in.
 */

export const USER_ROLES = ['coordinator', 'liaison', 'team'] as const;
export const UserRole = z.enum(USER_ROLES);
export type UserRole = z.infer<typeof UserRole>;

export const USER_STATUSES = ['active', 'revoked'] as const;
export const UserStatus = z.enum(USER_STATUSES);

/** A user id (path parameter `userId`): a slug; generated ones look like `u-7kq2m9xd`. */
export const UserId = Slug;

/**
 * A phone as people write it — 13912345678, +86 139-1234-5678, 0086 139 1234 5678 — stored as E.164
 * (+8613912345678), what Cognito's `phone_number` and SMS take. Mainland mobiles need no country code.
 */
export function normalizePhone(written: string): string {
  const digits = written
    .trim()
    .replace(/[\s\-().]/g, '')
    .replace(/^00/, '+');
  if (/^1[3-9]\d{9}$/.test(digits)) return `+86${digits}`;
  if (/^86(1[3-9]\d{9})$/.test(digits)) return `+${digits}`;
  return digits;
}
const Phone = z
  .string()
  .max(40)
  .overwrite(normalizePhone)
  .refine((value) => /^\+[1-9]\d{6,14}$/.test(value), {
    error: 'must be a mobile number such as 13912345678, or one with its country code such as +85291234567',
    params: { zh: '应为手机号，如 13912345678；境外号码请带国家码，如 +85291234567' },
  });
const Email = z
  .string()
  .trim()
  .max(254)
  .refine((value) => z.email().safeParse(value).success, {
    error: 'must be an e-mail address',
    params: { zh: '应为电子邮箱地址' },
  });

/** Who a person is, as a coordinator invites them (NewUser) and as they are stored (User). */
const PERSON = {
  name: text(60, 1),
  role: UserRole,
  /** A liaison's county. */
  county: Slug.optional(),
  /** A team member's society. */
  society: Slug.optional(),
  phone: Phone.optional(),
  email: Email.optional(),
};

export const User = z.object({ id: UserId, ...PERSON, status: UserStatus });
export type User = z.infer<typeof User>;

/** The user `npm start` signs in as (and `rounds signin --role coordinator` without --name). */
export const BUILT_IN_COORDINATOR = { id: 'coordinator', name: '协调人 / coordinator' } as const;

/** `POST /users`: who to invite. A liaison names a county, a team member a society, a coordinator neither. */
export const NewUser = z.strictObject(PERSON).superRefine((user, ctx) => {
  const need = (field: 'county' | 'society', zh: string, en: string) =>
    ctx.addIssue({ code: 'custom', path: [field], message: en, params: { zh } });
  const forbid = (field: 'county' | 'society') =>
    ctx.addIssue({
      code: 'custom',
      path: [field],
      message: `is only for a ${field === 'county' ? 'liaison' : 'team member'}; remove it`,
      params: { zh: `仅${field === 'county' ? '县联络员' : '学会团队成员'}需要，请删除` },
    });
  if (user.role === 'liaison' && !user.county)
    need('county', '县联络员须指定所属县', 'is required for a liaison');
  if (user.role === 'team' && !user.society)
    need('society', '学会团队成员须指定所属学会', 'is required for a team member');
  if (user.role !== 'liaison' && user.county) forbid('county');
  if (user.role !== 'team' && user.society) forbid('society');
});
export type NewUser = z.infer<typeof NewUser>;

/*
 * Invitation codes: 10 symbols of a 32-symbol alphabet without 0/O and 1/I (2–9 and A–Z less I and O),
 * 50 bits. People may type them in lower case, with spaces or dashes: those are removed.
 */
export const INVITATION_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const INVITATION_CODE_LENGTH = 10;

export const InvitationCode = z
  .string()
  .max(40)
  .transform((raw) => raw.replace(/[\s-]/g, '').toUpperCase())
  .refine((code) => /^[2-9A-HJ-NP-Z]{10}$/.test(code), {
    error: 'must be the 10 letters and digits of the invitation (no 0, O, 1 or I)',
    params: { zh: '应为邀请码的 10 位字母和数字（不含 0、O、1、I）' },
  });

/** What a new invitation gives the coordinator: the link (also as a QR code), the code, until when. */
export const Invitation = z.object({
  /** `<origin>/signin#code=…`: in the fragment, so servers and proxies never log it. */
  url: z.string(),
  /** Absent in AWS, where Cognito sends the invitation itself (e-mail or SMS). */
  code: z.string().optional(),
  expiresAt: IsoDateTime,
  /** In AWS: how Cognito delivers it. */
  sentBy: z.array(z.enum(['email', 'sms'])).optional(),
});
export type Invitation = z.infer<typeof Invitation>;

/** `POST /users` → 201, `POST /users/{id}/invitation` → 201. */
export const InvitedUser = z.object({ user: User, invitation: Invitation });
export type InvitedUser = z.infer<typeof InvitedUser>;

/** `GET /users`. */
export const UserList = z.object({ items: z.array(User) });

/** `POST /session`. */
export const SessionRequest = z.strictObject({ invitation: InvitationCode });

/**
 * `POST /session`, `/session/renew` and `/session/refresh` → 200: a bearer token, until when, and who
 * it is. Locally also the device's renewal credential (`deviceToken`, single-use: each renewal
 * returns the next) and until when the device stays signed in without use (`deviceExpiresAt`).
 */
export const Session = z.object({
  token: z.string(),
  expiresAt: IsoDateTime,
  user: User,
  deviceToken: z.string().optional(),
  deviceExpiresAt: IsoDateTime.optional(),
});
export type Session = z.infer<typeof Session>;

/** A device's renewal credential as the server hands it out: `<device id>.<secret>`. */
export const DeviceToken = z
  .string()
  .max(200)
  .refine((value) => /^[a-z2-9]{16}\.[A-Za-z0-9_-]{43}$/.test(value), {
    error: 'must be the device credential this server gave',
    params: { zh: '应为本服务器发给本设备的续期凭据' },
  });

/** `POST /session/refresh` and `POST /session/sign-out`: the device's credential. */
export const DeviceRequest = z.strictObject({ deviceToken: DeviceToken });

/** `POST /session/device-code` → 201: a short-lived one-time code (and its link) for another device. */
export const DeviceCode = z.object({ code: z.string(), url: z.string(), expiresAt: IsoDateTime });
export type DeviceCode = z.infer<typeof DeviceCode>;

/** `POST /session/link`: a phone number or e-mail address on file. */
export const LinkRequest = z.strictObject({
  contact: z
    .string()
    .trim()
    .min(3)
    .max(254)
    .refine((value) => /^[+\d][\d\s()-]{5,}$/.test(value) || /^[^\s@]+@[^\s@]+$/.test(value), {
      error: 'must be your mobile number or e-mail address',
      params: { zh: '应为你的手机号或电子邮箱' },
    }),
});

/** `POST /session/link` → 202 and `POST /session/sign-out` → 200: what the person reads. */
export const SessionNotice = z.object({ message: z.string() });
