// A webhook receiver on 127.0.0.1 for tests and the benchmark: verifies every request with the
// standardwebhooks library, records it, and answers 2xx unless told to fail this attempt.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedRequest {
  webhookId: string;
  body: string;
  /** Verified by `new Webhook(secret).verify(body, headers)`; the error message when it threw. */
  verified: true | string;
  status: number;
  /** Parsed `data.message`, when the body had one. */
  message?: { id: string; roomId: string; seq: number; body: string; cursor: string };
}

export interface WebhookReceiver {
  url: string;
  /** The signing secret to verify with (createWebhook's answer). */
  secret: string | undefined;
  requests: ReceivedRequest[];
  /** Webhook-ids answered 2xx, in arrival order (one entry per 2xx answer). */
  acknowledged(): string[];
  close(): Promise<void>;
}

export interface ReceiverOptions {
  /** Answer this request with 500 instead of 204 (called before recording it). */
  fails?: (webhookId: string, firstAttempt: boolean, distinctIndex: number) => boolean;
  /** Wait this long before answering (lets a test kill the sender mid-way). */
  delayMs?: number;
}

const headerRecord = (headers: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value]] : [])));

export const startWebhookReceiver = async (options: ReceiverOptions = {}): Promise<WebhookReceiver> => {
  const requests: ReceivedRequest[] = [];
  const seen = new Map<string, number>();
  const receiver: Omit<WebhookReceiver, 'url' | 'close'> = {
    secret: undefined,
    requests,
    acknowledged: () => requests.filter((r) => r.status < 300).map((r) => r.webhookId),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = headerRecord(req.headers);
      const webhookId = headers['webhook-id'] ?? '';
      let verified: true | string = true;
      try {
        if (receiver.secret === undefined) throw new Error('no secret yet');
        new Webhook(receiver.secret).verify(body, headers);
      } catch (error) {
        verified = error instanceof Error ? error.message : String(error);
      }
      const firstAttempt = !seen.has(webhookId);
      if (firstAttempt) seen.set(webhookId, seen.size);
      const status = options.fails?.(webhookId, firstAttempt, seen.get(webhookId) ?? -1) ? 500 : 204;
      let message: ReceivedRequest['message'];
      try {
        message = (JSON.parse(body) as { data?: { message?: ReceivedRequest['message'] } }).data?.message;
      } catch {
        message = undefined;
      }
      const answer = () => {
        requests.push({ webhookId, body, verified, status, ...(message ? { message } : {}) });
        res.writeHead(status).end();
      };
      if (options.delayMs) setTimeout(answer, options.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo; // listening on TCP
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hook`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
};
