import { describe, expect, it } from 'vitest';
import { CountyBody, SocietyBody } from '#schemas/catalog-api';
import { labelOf, validate } from '#schemas/messages';
import { NeedInput } from '#schemas/need-api';
import { NewUser } from '#schemas/users';

// A message names the field in words a person knows, never the key the program uses for it.

const messagesOf = (result: ReturnType<typeof validate>) =>
  result.ok ? [] : result.issues.map((i) => i.message);

describe('field names in messages', () => {
  it("names a team member's society, phone, e-mail, name and role in words", () => {
    const result = validate(NewUser, {
      name: '',
      role: 'team',
      society: '杭州市中医药学会',
      phone: '12',
      email: 'not-an-address',
    });
    const messages = messagesOf(result).join('\n');
    expect(messages).toContain('「所属学会」应为小写编号');
    expect(messages).toContain('「手机号」');
    expect(messages).toContain('「电子邮件」');
    expect(messages).toContain('「姓名」不能为空');
    expect(messages).not.toMatch(/「(society|phone|email|name)」/);
    expect(messages).toContain('/ Society must be a lowercase id');
    expect(messagesOf(validate(NewUser, { name: '王', role: 'boss' })).join()).toContain('「角色」');
  });

  it("names a liaison's county in words", () => {
    const messages = messagesOf(validate(NewUser, { name: '王', role: 'liaison' }));
    expect(messages).toEqual(['「所属县」县联络员须指定所属县 / County is required for a liaison']);
  });

  it("names a contact's person, robot, secret and kind in words, scoped by the contact", () => {
    const result = validate(CountyBody, {
      id: 'x',
      name: { zh: '某县', en: '' },
      towns: [],
      contact: { name: '', webhook: 'ftp://x', webhookSecret: 7, webhookKind: 'feishu', email: 'no' },
    });
    const byPath = Object.fromEntries(result.ok ? [] : result.issues.map((i) => [i.path, i.zh]));
    expect(byPath['contact.name']).toMatch(/^「联系人」/);
    expect(byPath['contact.webhook']).toMatch(/^「群机器人地址」/);
    expect(byPath['contact.webhookSecret']).toMatch(/^「加签密钥」/);
    expect(byPath['contact.webhookKind']).toMatch(/^「机器人类型」/);
    expect(byPath['contact.email']).toMatch(/^「电子邮件」/);
    expect(byPath['name.en']).toMatch(/^「英文名称」/);
    const unknown = validate(SocietyBody, { contact: { robot: 'x' } });
    expect(unknown.ok ? [] : unknown.issues.find((i) => i.path === 'contact.robot')?.zh).toBe(
      '「contact.robot」不是可接受的字段，请删除',
    );
  });

  it("keeps a need's messages as they were", () => {
    const result = validate(NeedInput, {
      countyId: 'Bad Id',
      townId: 'x',
      theme: 'x',
      field: '',
      title: '',
      urgency: 'x',
    });
    const zh = result.ok ? [] : result.issues.map((i) => i.zh);
    expect(zh).toContain('「县（市、区）」应为小写编号：a-z、0-9 和“-”，1 至 64 个字符');
    expect(zh).toContain('「标题」不能为空');
    expect(zh).toContain('「领域」不能为空');
  });

  it('finds a label from a path as the API writes it', () => {
    expect(labelOf('contact.name')?.zh).toBe('联系人');
    expect(labelOf('name')?.zh).toBe('姓名');
    expect(labelOf('towns[0].name.zh')?.zh).toBe('中文名称');
    expect(labelOf('experts[2].name')?.zh).toBe('姓名');
    expect(labelOf('towns[0].nmae')).toBeUndefined();
  });
});
