import { describe, expect, it } from 'vitest';
import { NewUser, normalizePhone } from '#schemas/users';

const invite = (phone: string) => NewUser.safeParse({ name: '王芳', role: 'coordinator', phone });

describe('a phone number as people write it', () => {
  it.each([
    ['13912345678', '+8613912345678'],
    ['139 1234 5678', '+8613912345678'],
    ['139-1234-5678', '+8613912345678'],
    ['+86 139 1234 5678', '+8613912345678'],
    ['86 13912345678', '+8613912345678'],
    ['0086 139-1234-5678', '+8613912345678'],
    ['+852 9123 4567', '+85291234567'],
  ])('reads %s as %s', (written, stored) => {
    expect(normalizePhone(written)).toBe(stored);
    const parsed = invite(written);
    expect(parsed.success).toBe(true);
    expect(parsed.data?.phone).toBe(stored);
  });

  it.each(['1391234567', '23912345678', '0571-8888000', 'call me', '+0 123'])(
    'refuses %s with a message in both languages that shows an ordinary mobile',
    (written) => {
      const parsed = invite(written);
      expect(parsed.success).toBe(false);
      const issue = parsed.error!.issues[0] as { message: string; params?: { zh?: string } };
      expect(issue.params?.zh).toContain('13912345678');
      expect(issue.message).toContain('13912345678');
    },
  );
});
