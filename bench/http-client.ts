// The benchmarks' HTTP client: node:http over kept-alive connections (fetch costs several times
// more CPU, which the load would take from the server it measures on the same machine).
import { Agent, request } from 'node:http';

export interface HttpReply {
  status: number;
  text: string;
}

/** A client of one server, with up to `maxSockets` connections kept open between requests. */
export function keepAliveClient(serverUrl: string, maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const base = new URL(serverUrl);
  /** One request; a body gets its content-length, the reply is read whole as UTF-8. */
  function send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string | Uint8Array,
  ): Promise<HttpReply> {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: base.hostname,
          port: base.port,
          path,
          method,
          agent,
          headers: bytes ? { ...headers, 'content-length': String(bytes.length) } : headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(bytes);
    });
  }
  return { send, close: () => agent.destroy() };
}
