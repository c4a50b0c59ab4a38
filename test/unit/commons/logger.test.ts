import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '#commons/logger';

// The one logger: a robot's signing secret that reaches a log line is named, never written.

describe('the logger', () => {
  // local/terminal-logs.ts quietens the logger to WARN when another file of this worker loaded it.
  const level = logger.getLevelName();
  beforeEach(() => logger.setLogLevel('INFO'));
  afterEach(() => {
    vi.restoreAllMocks();
    logger.setLogLevel(level);
  });

  it("writes a contact's robot secret as [redacted], and the rest of the line as it was", () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    logger.info('contact changed', {
      contact: {
        webhook: 'https://oapi.dingtalk.com/robot/send?access_token=t',
        webhookSecret: 'SECf00d1234',
      },
    });
    const written = lines.join('');
    expect(written).not.toContain('SECf00d1234');
    const line = JSON.parse(written.trim().split('\n').at(-1)!);
    expect(line.contact).toEqual({
      webhook: 'https://oapi.dingtalk.com/robot/send?access_token=t',
      webhookSecret: '[redacted]',
    });
  });
});
