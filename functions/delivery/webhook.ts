import { type Deliverable, DeliveryRefusedError, type MediumAdapter } from './port.ts';

/**
 * A group robot's webhook (DingTalk 钉钉 / WeCom 企业微信): both take `{ msgtype: 'text', text:
 * { content } }` and answer `{ errcode: 0 }` on success; a refused message comes back as HTTP 200
 * with another errcode. A 4xx other than 429 means the URL or the message is wrong: not retried.
 */
export function webhookAdapter(options: { fetch?: typeof fetch } = {}): MediumAdapter {
  const send = options.fetch ?? fetch;
  return {
    async deliver(message: Deliverable, signal: AbortSignal) {
      const response = await send(message.to, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(robotText(message)),
        signal,
      });
      const text = await response.text();
      if (!response.ok) {
        const error = `webhook answered HTTP ${response.status}`;
        if (response.status >= 400 && response.status < 500 && response.status !== 429)
          throw new DeliveryRefusedError(error);
        throw new Error(error);
      }
      const errcode = robotErrorCode(text);
      if (errcode !== undefined && errcode !== 0)
        throw new Error(`webhook answered errcode ${errcode}: ${text.slice(0, 200)}`);
    },
  };
}

/** The robot message: subject and body as one text. */
export function robotText(message: Pick<Deliverable, 'subject' | 'body'>) {
  return { msgtype: 'text', text: { content: `${message.subject}\n${message.body}` } };
}

function robotErrorCode(text: string): number | undefined {
  try {
    const parsed = JSON.parse(text) as { errcode?: unknown };
    return typeof parsed.errcode === 'number' ? parsed.errcode : undefined;
  } catch {
    return undefined;
  }
}
