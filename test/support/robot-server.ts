import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';

/**
 * A group robot as DingTalk and WeCom document it, on a local port: one server, many robots (one per
 * `access_token` for DingTalk, per `key` for WeCom).
 *
 * DingTalk with a 加签 secret: `timestamp` (ms) must be within an hour of the robot's clock and
 * `sign` must be Base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`)), else errcode 310000. A
 * robot takes 20 messages a calendar minute; the 21st is answered 130101 (WeCom: 45009) and the robot
 * stays muted for 10 minutes. Accepted messages are recorded with the robot's clock.
 */
export interface RobotServerOptions {
  readonly kind?: 'dingtalk' | 'wecom';
  /** The 加签 secret every DingTalk robot of this server checks; none: messages are not checked. */
  readonly secret?: string;
  /** The robots' clock (ms). @default Date.now */
  readonly now?: () => number;
  /** @default 20 */
  readonly perMinute?: number;
  /** @default 10 minutes */
  readonly muteMs?: number;
}

export interface AcceptedMessage {
  robot: string;
  at: number;
  body: Record<string, unknown>;
}

export interface RobotServer {
  /** The webhook URL of the robot named `token`. */
  url(token?: string): string;
  readonly accepted: AcceptedMessage[];
  /** Every refusal: the robot, its clock, the errcode. */
  readonly refused: { robot: string; at: number; errcode: number }[];
  /** The most messages one robot accepted in one calendar minute. */
  busiestMinute(robot?: string): number;
  close(): Promise<void>;
}

const HOUR = 3_600_000;

export async function startRobotServer(options: RobotServerOptions = {}): Promise<RobotServer> {
  const kind = options.kind ?? 'dingtalk';
  const now = options.now ?? Date.now;
  const perMinute = options.perMinute ?? 20;
  const muteMs = options.muteMs ?? 10 * 60_000;
  const accepted: AcceptedMessage[] = [];
  const refused: { robot: string; at: number; errcode: number }[] = [];
  const counts = new Map<string, number>();
  const mutedUntil = new Map<string, number>();

  const answer = (query: URLSearchParams, at: number): { errcode: number; errmsg: string } => {
    const robot = (kind === 'wecom' ? query.get('key') : query.get('access_token')) ?? '';
    if (!robot)
      return kind === 'wecom'
        ? { errcode: 93000, errmsg: 'invalid webhook url' }
        : { errcode: 300001, errmsg: 'token is not exist' };
    if (kind === 'dingtalk' && options.secret) {
      const timestamp = Number(query.get('timestamp'));
      if (!query.get('timestamp') || !Number.isFinite(timestamp) || Math.abs(at - timestamp) > HOUR)
        return { errcode: 310000, errmsg: 'invalid timestamp' };
      const expected = createHmac('sha256', options.secret)
        .update(`${timestamp}\n${options.secret}`)
        .digest('base64');
      if (query.get('sign') !== expected) return { errcode: 310000, errmsg: 'sign not match' };
    }
    const tooFast =
      kind === 'wecom'
        ? { errcode: 45009, errmsg: 'api freq out of limit' }
        : { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' };
    if ((mutedUntil.get(robot) ?? 0) > at) return tooFast;
    const minute = `${robot} ${Math.floor(at / 60_000)}`;
    const count = counts.get(minute) ?? 0;
    if (count >= perMinute) {
      mutedUntil.set(robot, at + muteMs);
      return tooFast;
    }
    counts.set(minute, count + 1);
    return { errcode: 0, errmsg: 'ok' };
  };

  const server = createServer(async (req, res) => {
    const at = now();
    const url = new URL(req.url ?? '/', 'http://robot');
    const text = await bodyOf(req);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"errcode":40035,"errmsg":"invalid json"}');
      return;
    }
    const reply = answer(url.searchParams, at);
    const robot =
      (kind === 'wecom' ? url.searchParams.get('key') : url.searchParams.get('access_token')) ?? '';
    if (reply.errcode === 0) accepted.push({ robot, at, body });
    else refused.push({ robot, at, errcode: reply.errcode });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url: (token = 'robot-1') =>
      kind === 'wecom'
        ? `${base}/cgi-bin/webhook/send?key=${token}`
        : `${base}/robot/send?access_token=${token}`,
    accepted,
    refused,
    busiestMinute(robot) {
      const perMinuteCount = new Map<string, number>();
      for (const message of accepted.filter((m) => robot === undefined || m.robot === robot)) {
        const key = `${message.robot} ${Math.floor(message.at / 60_000)}`;
        perMinuteCount.set(key, (perMinuteCount.get(key) ?? 0) + 1);
      }
      return Math.max(0, ...perMinuteCount.values());
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}
