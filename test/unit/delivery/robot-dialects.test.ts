import { describe, expect, it } from 'vitest';
import { dingtalkSign, robotErrorVerdict, robotKind, robotMessage, signedUrl } from '#delivery/webhook';
import { robotDigest } from '#store/robot-budget';

// DingTalk's documented computation (Python): hmac.new(secret, f"{timestamp}\n{secret}", sha256),
// base64, then urllib.parse.quote_plus. The expected values below were computed with that code.
const SECRET = 'SEC1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c';
const TIMESTAMP = 1577262236757;

describe('DingTalk 加签', () => {
  it('signs as DingTalk documents: Base64 of HMAC-SHA256(secret, "timestamp\\nsecret")', () => {
    expect(dingtalkSign(SECRET, TIMESTAMP)).toBe('ODj2gnMC+rqLcUNkzsNt5PHpVOp74aEXQTVWnT3ZT0A=');
  });

  it('adds timestamp and the URL-encoded sign to the robot URL, keeping its token', () => {
    const url = signedUrl('https://oapi.dingtalk.com/robot/send?access_token=abc123', SECRET, TIMESTAMP);
    expect(url).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=1577262236757&sign=ODj2gnMC%2BrqLcUNkzsNt5PHpVOp74aEXQTVWnT3ZT0A%3D',
    );
  });

  it('replaces a timestamp and sign already in the URL instead of sending two', () => {
    const url = new URL(
      signedUrl(
        'https://oapi.dingtalk.com/robot/send?access_token=a&sign=old&timestamp=1',
        SECRET,
        TIMESTAMP,
      ),
    );
    expect(url.searchParams.getAll('sign')).toEqual(['ODj2gnMC+rqLcUNkzsNt5PHpVOp74aEXQTVWnT3ZT0A=']);
    expect(url.searchParams.getAll('timestamp')).toEqual([String(TIMESTAMP)]);
  });
});

describe('the robot dialects', () => {
  it('infers the dialect from the host unless the contact names it, DingTalk by default', () => {
    expect(robotKind('https://oapi.dingtalk.com/robot/send?access_token=a')).toBe('dingtalk');
    expect(robotKind('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k')).toBe('wecom');
    expect(robotKind('https://relay.kexie.example.cn/robot')).toBe('dingtalk');
    expect(robotKind('https://relay.kexie.example.cn/robot', 'wecom')).toBe('wecom');
    expect(robotKind('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', 'dingtalk')).toBe('dingtalk');
  });

  it('sends DingTalk an ActionCard whose button opens the link, and markdown without a link', () => {
    const message = {
      subject: '【2026-Q4】邀请',
      body: '第一行\n第二行',
      link: 'https://kexie.example.cn/team.html',
    };
    expect(robotMessage(message, 'dingtalk')).toEqual({
      msgtype: 'actionCard',
      actionCard: {
        title: '【2026-Q4】邀请',
        text: '### 【2026-Q4】邀请\n\n第一行  \n第二行  ',
        singleTitle: '打开页面',
        singleURL: 'https://kexie.example.cn/team.html',
      },
    });
    expect(robotMessage({ ...message, link: undefined }, 'dingtalk')).toEqual({
      msgtype: 'markdown',
      markdown: { title: '【2026-Q4】邀请', text: '### 【2026-Q4】邀请\n\n第一行  \n第二行  ' },
    });
  });

  it('sends WeCom markdown with the link as a markdown link line', () => {
    expect(
      robotMessage({ subject: '邀请', body: '请答复', link: 'https://kexie.example.cn/t' }, 'wecom'),
    ).toEqual({
      msgtype: 'markdown',
      markdown: { content: '**邀请**\n请答复  \n[打开页面 / Open the page](https://kexie.example.cn/t)' },
    });
  });

  it('sorts the robots errcodes by whether a retry can heal them', () => {
    expect(robotErrorVerdict(310000)).toBe('signature');
    for (const errcode of [300001, 300005, 400101, 93000])
      expect(robotErrorVerdict(errcode)).toBe('bad-address');
    expect(robotErrorVerdict(130101)).toBe('too-fast');
    expect(robotErrorVerdict(45009)).toBe('too-fast');
    expect(robotErrorVerdict(-1)).toBeUndefined();
  });

  it('counts one robot as one, signed or not, and two tokens on one host as two robots', () => {
    const robot = 'https://oapi.dingtalk.com/robot/send?access_token=a';
    expect(robotDigest(signedUrl(robot, SECRET, TIMESTAMP))).toBe(robotDigest(robot));
    expect(robotDigest('https://oapi.dingtalk.com/robot/send?access_token=b')).not.toBe(robotDigest(robot));
    expect(robotDigest(robot)).not.toContain('access_token');
  });
});
