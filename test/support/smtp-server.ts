import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on a local port (smtp-server), with AUTH over plain connections: what
 * SMTP_URL points at in tests. Received mail is parsed (mailparser), so tests read the subject and
 * text decoded. `refuse` answers RCPT TO for an address with a code (550: no such mailbox, 451: try later).
 */
export interface LocalSmtpServer {
  readonly url: string;
  readonly received: ParsedMail[];
  refuse(address: string, code: number): void;
  close(): Promise<void>;
}

export async function startSmtpServer(
  credentials = { user: 'notify', pass: 'p@ss word' },
): Promise<LocalSmtpServer> {
  const received: ParsedMail[] = [];
  const refusals = new Map<string, number>();
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.user && auth.password === credentials.pass)
        callback(null, { user: auth.username });
      else callback(Object.assign(new Error('authentication failed'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      const code = refusals.get(address.address);
      if (code)
        callback(Object.assign(new Error(`mailbox ${address.address} refused`), { responseCode: code }));
      else callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.server.address() as { port: number }).port;
  const auth = `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}`;
  return {
    url: `smtp://${auth}@127.0.0.1:${port}`,
    received,
    refuse: (address, code) => refusals.set(address, code),
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
