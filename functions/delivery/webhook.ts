import { createHmac } from 'node:crypto';
import type { DeliveryFailure, WebhookKind } from '#schemas/delivery';
import { type Deliverable, DeliveryDeferredError, DeliveryRefusedError, type MediumAdapter } from './port.ts';

/**
 * A group robot's webhook, in its dialect: DingTalk 钉钉 (`oapi.dingtalk.com`, markdown or an
 * ActionCard whose button opens the page; signed with 加签 when the contact has a secret) or WeCom
 * 企业微信 (`qyapi.weixin.qq.com`, markdown with the link as a line). Both answer HTTP 200 with
 * `{ errcode }`; `errcode` 0 is accepted and the others are sorted by whether a retry can help
 * (ROBOT_ERRORS). The signed URL and the secret never reach an error text.
 */
export function webhookAdapter(options: { fetch?: typeof fetch; now?: () => number } = {}): MediumAdapter {
  const send = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  return {
    pacedPerRobot: true,
    async deliver(message: Deliverable, signal: AbortSignal) {
      const kind = robotKind(message.to, message.robot?.kind);
      const secret = kind === 'dingtalk' ? message.robot?.secret : undefined;
      const url = secret ? signedUrl(message.to, secret, now()) : message.to;
      let response: Response;
      let text: string;
      try {
        response = await send(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(robotMessage(message, kind)),
          signal,
        });
        text = await response.text();
      } catch (error) {
        const reason =
          error instanceof Error ? (error.cause as Error | undefined)?.message || error.message : '';
        throw new Error(`机器人无法连接 / robot unreachable: ${redact(reason, message.to, secret)}`);
      }
      if (!response.ok) {
        const status = `机器人回复 / the robot answered HTTP ${response.status}`;
        if (response.status === 429)
          throw new DeliveryDeferredError(status, { code: 'too-fast', retryAfterMs: retryAfterMs(response) });
        if (response.status >= 400 && response.status < 500)
          throw new DeliveryRefusedError(status, { code: 'bad-address' });
        throw new Error(status);
      }
      const answer = robotAnswer(text);
      if (!answer || answer.errcode === 0) return;
      const error = `机器人拒收 / the robot answered errcode ${answer.errcode}: ${redact(answer.errmsg, message.to, secret)}`;
      const verdict = robotErrorVerdict(answer.errcode);
      if (verdict === 'too-fast')
        throw new DeliveryDeferredError(error, { code: 'too-fast', retryAfterMs: TOO_FAST_WAIT_MS });
      if (verdict) throw new DeliveryRefusedError(error, { code: verdict });
      throw new Error(error);
    },
  };
}

/** A robot that said "too fast" mutes itself for a while: try again no sooner than this. */
export const TOO_FAST_WAIT_MS = 60_000;

/**
 * Errcodes a retry cannot heal, or that ask for a pause (DingTalk's and WeCom's documented codes):
 * 310000 — the signature, keyword or IP allow-list refused the message; 300001/300005 (DingTalk)
 * and 93000 (WeCom) — a token that is wrong or expired; 400xxx — DingTalk refusing the robot or
 * its URL; 130101 (DingTalk) and 45009 (WeCom) — more than 20 messages a minute.
 */
export function robotErrorVerdict(errcode: number): Exclude<DeliveryFailure, 'unreachable'> | undefined {
  if (errcode === 310000) return 'signature';
  if (errcode === 300001 || errcode === 300005 || errcode === 93000) return 'bad-address';
  if (errcode >= 400000 && errcode < 500000) return 'bad-address';
  if (errcode === 130101 || errcode === 45009) return 'too-fast';
  return undefined;
}

/** The dialect of a robot: the contact's, else the host's (DingTalk unless it is WeCom's host). */
export function robotKind(url: string, kind?: WebhookKind): WebhookKind {
  if (kind) return kind;
  try {
    return new URL(url).hostname === 'qyapi.weixin.qq.com' ? 'wecom' : 'dingtalk';
  } catch {
    return 'dingtalk';
  }
}

/** DingTalk 加签: Base64(HMAC-SHA256(key = secret, `${timestamp}\n${secret}`)), not yet URL-encoded. */
export function dingtalkSign(secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

/** The robot URL with `timestamp` (ms) and the URL-encoded `sign` in its query. */
export function signedUrl(robotUrl: string, secret: string, timestamp: number): string {
  const url = new URL(robotUrl);
  url.searchParams.delete('timestamp');
  url.searchParams.delete('sign');
  // searchParams encodes `+`, `/` and `=` of the Base64 as %2B, %2F and %3D, as DingTalk expects.
  url.searchParams.set('timestamp', String(timestamp));
  url.searchParams.set('sign', dingtalkSign(secret, timestamp));
  return url.toString();
}

/** The JSON a robot of `kind` is posted. */
export function robotMessage(message: Pick<Deliverable, 'subject' | 'body' | 'link'>, kind: WebhookKind) {
  const body = markdownLines(message.body);
  if (kind === 'wecom') {
    const link =
      message.link && !message.body.includes(message.link)
        ? `\n[打开页面 / Open the page](${message.link})`
        : '';
    return { msgtype: 'markdown', markdown: { content: `**${message.subject}**\n${body}${link}` } };
  }
  const text = `### ${message.subject}\n\n${body}`;
  if (message.link)
    return {
      msgtype: 'actionCard',
      actionCard: { title: message.subject, text, singleTitle: '打开页面', singleURL: message.link },
    };
  return { msgtype: 'markdown', markdown: { title: message.subject, text } };
}

/** DingTalk's markdown joins single line breaks; two trailing spaces keep each line of the body. */
function markdownLines(body: string): string {
  return body
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : `${line}  `))
    .join('\n');
}

function robotAnswer(text: string): { errcode: number; errmsg: string } | undefined {
  try {
    const parsed = JSON.parse(text) as { errcode?: unknown; errmsg?: unknown };
    if (typeof parsed.errcode !== 'number') return undefined;
    return { errcode: parsed.errcode, errmsg: String(parsed.errmsg ?? '').slice(0, 200) };
  } catch {
    return undefined;
  }
}

function retryAfterMs(response: Response): number {
  const seconds = Number(response.headers.get('retry-after'));
  return Math.max(TOO_FAST_WAIT_MS, Number.isFinite(seconds) ? seconds * 1000 : 0);
}

/** An error text without the robot's URL (its token) or secret. */
function redact(text: string, url: string, secret: string | undefined): string {
  let clean = text.split(url).join('<robot>');
  if (secret) clean = clean.split(secret).join('<secret>');
  return clean.replace(/([?&](?:sign|access_token|key)=)[^&\s"']+/g, '$1…');
}
