import { describe, expect, it } from 'vitest';
import { contactToStore, shownContact, withShownContact } from '#domain/contact-secret';

// A robot's signing secret: what is kept on a change, and what an answer shows instead.

const ROBOT = 'https://oapi.dingtalk.com/robot/send?access_token=abc';
const stored = { name: '陈联络', email: 'c@example.org', webhook: ROBOT, webhookSecret: 'SECold' };

describe('a contact as a change sends it', () => {
  it('keeps the stored secret when the change leaves it out and the robot is the same', () => {
    expect(contactToStore({ name: '陈主任', email: 'c@example.org', webhook: ROBOT }, stored)).toEqual({
      name: '陈主任',
      email: 'c@example.org',
      webhook: ROBOT,
      webhookSecret: 'SECold',
    });
  });

  it('drops the stored secret for another robot, or no robot at all', () => {
    expect(contactToStore({ webhook: `${ROBOT}2` }, stored)).toEqual({ webhook: `${ROBOT}2` });
    expect(contactToStore({ name: '陈联络' }, stored)).toEqual({ name: '陈联络' });
  });

  it('clears the secret on "" and on null, and replaces it with a new one', () => {
    expect(contactToStore({ webhook: ROBOT, webhookSecret: '' }, stored)).toEqual({ webhook: ROBOT });
    expect(contactToStore({ webhook: ROBOT, webhookSecret: null }, stored)).toEqual({ webhook: ROBOT });
    expect(contactToStore({ webhook: ROBOT, webhookSecret: 'SECnew' }, stored).webhookSecret).toBe('SECnew');
  });
});

describe('a contact as an answer shows it', () => {
  it('tells a coordinator a secret is set, never what it is', () => {
    expect(shownContact({ ...stored, webhookKind: 'dingtalk' }, true)).toEqual({
      name: '陈联络',
      email: 'c@example.org',
      webhook: ROBOT,
      webhookKind: 'dingtalk',
      webhookSecretSet: true,
    });
    expect(shownContact({ webhook: ROBOT }, true)).toEqual({ webhook: ROBOT });
  });

  it('shows anyone else only whom to call, and no contact at all when that is nothing', () => {
    expect(shownContact(stored, false)).toEqual({ name: '陈联络', email: 'c@example.org' });
    expect(withShownContact({ id: 'x', contact: { webhook: ROBOT, webhookSecret: 's' } }, false)).toEqual({
      id: 'x',
    });
  });
});
