import { describe, expect, it } from 'vitest';
import { startMode } from '#cli/start-mode';

describe('the first line npm start prints', () => {
  it('says the demo runs by default, and how to run it for real', () => {
    const mode = startMode({});
    expect(mode).toMatchObject({ autoApprove: true, autoAccept: true });
    expect(mode.line).toMatch(/^演示模式/);
    expect(mode.line).toContain('AUTO_APPROVE=0 AUTO_ACCEPT=0 npm start');
    expect(mode.line).toContain('/ demo mode');
  });

  it('says real use when both waits are on', () => {
    const mode = startMode({ AUTO_APPROVE: '0', AUTO_ACCEPT: '0' });
    expect(mode).toMatchObject({ autoApprove: false, autoAccept: false });
    expect(mode.line).toMatch(/^正式模式.*\/plan\.html.* \/ real mode/);
  });

  it('names each half when only one wait is on', () => {
    expect(startMode({ AUTO_APPROVE: '0' }).line).toMatch(/^混合模式：计划等待协调人批准，学会自动接受邀请/);
    expect(startMode({ AUTO_ACCEPT: '0' }).line).toMatch(/^混合模式：计划自动批准，邀请等待学会答复/);
  });
});
