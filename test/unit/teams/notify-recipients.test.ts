/** Who reads a society's or a county's messages, by which medium, and the copies' ids. No I/O. */
import { describe, expect, it } from 'vitest';
import { contactRoutes } from '#delivery/port';
import { copyId, countyAddresses, societyAddresses } from '#services/notify-recipients';
import type { StoredUser } from '#store/users';

const user = (id: string, fields: Partial<StoredUser>): StoredUser => ({
  id,
  name: `用户${id}`,
  role: 'team',
  status: 'active',
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'coordinator',
  ...fields,
});
const society = {
  name: { zh: '杭州市农学会', en: 'Hangzhou Agricultural Society' },
  contact: {
    email: 'nongxue@example.org.cn',
    phone: '0571-0000-1201',
    webhook: 'https://oapi.dingtalk.com/robot/send?access_token=x',
  },
};
const routes = (list: { medium: string; to: string }[]) => list.map((a) => `${a.medium}:${a.to}`);

describe('a contact’s media', () => {
  it('reaches a contact by its robot and its e-mail; by SMS only when it has neither; else none', () => {
    expect(routes(contactRoutes(society.contact))).toEqual([
      `webhook:${society.contact.webhook}`,
      'email:nongxue@example.org.cn',
    ]);
    expect(routes(contactRoutes({ email: 'a@b.cn', phone: '13800138000' }))).toEqual(['email:a@b.cn']);
    expect(routes(contactRoutes({ phone: '13800138000' }))).toEqual(['sms:13800138000']);
    expect(routes(contactRoutes(undefined))).toEqual(['none:']);
  });
});

describe('a society’s readers', () => {
  it('are its contact and each active member at their own e-mail, or phone without one, never an address twice', () => {
    const users = [
      user('u-a', { society: 'nongxue', email: 'Wang@Example.cn' }),
      user('u-b', { society: 'nongxue', phone: '+8613900000001' }),
      user('u-c', { society: 'nongxue', email: 'NONGXUE@example.org.cn' }), // the catalog's address
      user('u-d', { society: 'nongxue', email: 'gone@example.cn', status: 'revoked' }),
      user('u-e', { society: 'linxue', email: 'other@example.cn' }),
      user('u-f', { role: 'liaison', county: 'chunan', email: 'liaison@example.cn' }),
      user('u-g', { society: 'nongxue', email: 'wang@example.cn' }), // the same person's address again
    ];
    const readers = societyAddresses('nongxue', society, users);
    expect(routes(readers)).toEqual([
      `webhook:${society.contact.webhook}`,
      'email:nongxue@example.org.cn',
      'email:Wang@Example.cn',
      'sms:+8613900000001',
    ]);
    expect(readers[0]).toMatchObject({
      audience: 'society',
      recipient: { kind: 'society', id: 'nongxue', name: '杭州市农学会' },
    });
    expect(readers[2]).toMatchObject({ recipient: { kind: 'user', id: 'u-a', name: '用户u-a' } });
  });

  it('drops a contact with no medium when a member is reached, and keeps it (medium none) when nobody is', () => {
    const bare = { name: society.name };
    expect(
      routes(societyAddresses('nongxue', bare, [user('u-a', { society: 'nongxue', email: 'a@b.cn' })])),
    ).toEqual(['email:a@b.cn']);
    expect(routes(societyAddresses('nongxue', bare, []))).toEqual(['none:']);
  });
});

describe('a phone written two ways', () => {
  it('is one address: a member whose phone is the contact’s own is reached through the contact', () => {
    const bySms = { name: society.name, contact: { phone: '+86 139-0000-0001' } };
    const readers = societyAddresses('nongxue', bySms, [
      user('u-a', { society: 'nongxue', phone: '+8613900000001' }),
      user('u-b', { society: 'nongxue', phone: '+8613900000002' }),
    ]);
    expect(routes(readers)).toEqual(['sms:+86 139-0000-0001', 'sms:+8613900000002']);
  });
});

describe('a county’s readers', () => {
  it('are its group contact and its active liaisons, not another county’s', () => {
    const county = {
      name: { zh: '淳安县', en: "Chun'an County" },
      contact: { webhook: 'https://qyapi.weixin.qq.com/x' },
    };
    const readers = countyAddresses('chunan', county, [
      user('u-1', { role: 'liaison', county: 'chunan', email: 'l1@example.cn' }),
      user('u-2', { role: 'liaison', county: 'jiande', email: 'l2@example.cn' }),
      user('u-3', { role: 'team', society: 'chunan', email: 'l3@example.cn' }),
    ]);
    expect(routes(readers)).toEqual(['webhook:https://qyapi.weixin.qq.com/x', 'email:l1@example.cn']);
    expect(readers.every((r) => r.audience === 'liaison')).toBe(true);
    expect(copyId('2027-Q2.chunan#accepted#nongxue', readers[0]!)).toBe(
      '2027-Q2.chunan#accepted#nongxue#county:chunan#webhook',
    );
  });
});
