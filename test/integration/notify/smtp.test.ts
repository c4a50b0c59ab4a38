/**
 * E-mail through SMTP (functions/delivery/email-smtp.ts) against a real local SMTP server, and the
 * adapters `npm start` chooses by NOTIFY (local/delivery.ts): sent for real, printed, or refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SMTP_FROM, smtpEmailAdapter } from '#delivery/email-smtp';
import { type Deliverable, DeliveryRefusedError } from '#delivery/port';
import { localAdapters } from '#local/delivery';
import { type RobotServer, startRobotServer } from '#support/robot-server';
import { type LocalSmtpServer, startSmtpServer } from '#support/smtp-server';

const LINK = 'https://kexie.example.cn/team.html?offer=o1';
const SECRET = 'SECf00dfeedbeef00112233445566778899aabbccddeeff0011223344556677';
const message = (overrides: Partial<Deliverable> = {}): Deliverable => ({
  id: 'o1#offered',
  audience: 'society',
  medium: 'email',
  to: 'office@nongxue.example.cn',
  subject: '【2026-Q4 科技服务】邀请：山溪县东村镇',
  body: '请在 12月10日 18:00 前答复。\nPlease answer by 10 Dec 18:00.',
  link: LINK,
  ...overrides,
});
const signal = () => AbortSignal.timeout(10_000);

let smtp: LocalSmtpServer;
let robot: RobotServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
  robot = await startRobotServer({ secret: SECRET });
});
afterAll(async () => {
  await smtp.close();
  await robot.close();
});

describe('e-mail through SMTP', () => {
  it('sends a UTF-8 subject and text body with the link line, from SMTP_FROM', async () => {
    const before = smtp.received.length;
    await smtpEmailAdapter({ url: smtp.url, from: '山溪科协 <notify@kexie.example.cn>' }).deliver(
      message(),
      signal(),
    );

    const mail = smtp.received[before];
    expect(mail?.subject).toBe('【2026-Q4 科技服务】邀请：山溪县东村镇');
    expect(mail?.from?.value).toEqual([{ address: 'notify@kexie.example.cn', name: '山溪科协' }]);
    expect(mail?.to).toMatchObject({ value: [{ address: 'office@nongxue.example.cn' }] });
    expect(mail?.text).toContain('请在 12月10日 18:00 前答复。\nPlease answer by 10 Dec 18:00.');
    expect(mail?.text).toContain(`打开页面 / Open the page: ${LINK}`);
  });

  it('sends from 科技服务 <noreply@localhost> when SMTP_FROM is not set', async () => {
    const before = smtp.received.length;
    await smtpEmailAdapter({ url: smtp.url }).deliver(message(), signal());
    expect(DEFAULT_SMTP_FROM).toBe('科技服务 <noreply@localhost>');
    expect(smtp.received[before]?.from?.value).toEqual([{ address: 'noreply@localhost', name: '科技服务' }]);
  });

  it('refuses for good an address the server answers 5xx, and leaves a 4xx or a dead server to a retry', async () => {
    smtp.refuse('gone@nongxue.example.cn', 550);
    smtp.refuse('busy@nongxue.example.cn', 451);
    const email = smtpEmailAdapter({ url: smtp.url });

    const gone = email.deliver(message({ to: 'gone@nongxue.example.cn' }), signal());
    await expect(gone).rejects.toBeInstanceOf(DeliveryRefusedError);
    await expect(gone).rejects.toMatchObject({ code: 'bad-address' });
    const busy = email.deliver(message({ to: 'busy@nongxue.example.cn' }), signal());
    await expect(busy).rejects.toThrow(/451/);
    await expect(busy).rejects.not.toBeInstanceOf(DeliveryRefusedError);
    const dead = smtpEmailAdapter({ url: 'smtp://127.0.0.1:9' }).deliver(message(), signal());
    await expect(dead).rejects.not.toBeInstanceOf(DeliveryRefusedError);
    await expect(dead).rejects.toThrow(/SMTP/);
  });
});

describe('NOTIFY on one machine', () => {
  it('NOTIFY=send posts robots signed and e-mails through SMTP_URL; SMS is printed, left to AWS', async () => {
    const lines: string[] = [];
    const { adapters, line } = localAdapters(
      { NOTIFY: 'send', SMTP_URL: smtp.url, SMTP_FROM: '科协 <n@kexie.example.cn>' },
      (l) => lines.push(l),
    );
    const mails = smtp.received.length;
    const robots = robot.accepted.length;

    await adapters.webhook?.deliver(
      message({ medium: 'webhook', to: robot.url('send'), robot: { secret: SECRET } }),
      signal(),
    );
    await adapters.email?.deliver(message(), signal());
    await adapters.sms?.deliver(message({ medium: 'sms', to: '+8613800138000' }), signal());

    expect(robot.accepted.slice(robots).map((m) => m.robot)).toEqual(['send']);
    expect(smtp.received.slice(mails).map((m) => m.subject)).toEqual([message().subject]);
    expect(lines.join('\n')).toContain('SMS is left to AWS');
    expect(lines.join('\n')).toContain(`Open the page: ${LINK}`);
    expect(line).not.toContain('p@ss');
  });

  it('prints by default, with the link line and never a robot secret', async () => {
    const lines: string[] = [];
    const robots = robot.accepted.length;
    const { adapters } = localAdapters({}, (l) => lines.push(l));

    await adapters.webhook?.deliver(
      message({ medium: 'webhook', to: robot.url('print'), robot: { secret: SECRET } }),
      signal(),
    );

    expect(robot.accepted.length).toBe(robots);
    expect(lines.join('\n')).toContain(message().subject);
    expect(lines.join('\n')).toContain(`打开页面 / Open the page: ${LINK}`);
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('prints e-mail under NOTIFY=send when SMTP_URL is not set', async () => {
    const lines: string[] = [];
    const mails = smtp.received.length;
    const { adapters } = localAdapters({ NOTIFY: 'send' }, (l) => lines.push(l));
    await adapters.email?.deliver(message(), signal());
    expect(smtp.received.length).toBe(mails);
    expect(lines[0]).toContain('[email office@nongxue.example.cn]');
  });

  it.each(['sned', 'true', 'SMTP'])(
    'refuses to start with NOTIFY=%s, naming NOTIFY in both languages',
    (value) => {
      expect(() => localAdapters({ NOTIFY: value }, () => {})).toThrow(
        new RegExp(`NOTIFY 只能是 send 或 print.*NOTIFY must be send or print, not "${value}"`),
      );
    },
  );
});
