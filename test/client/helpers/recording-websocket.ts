// The `ws` WebSocket, recording every graphql-ws message the client sends, so a test can check what a
// resubscription asked for (e.g. its `after` cursor), and every one it receives.
import WebSocket from 'ws';

export interface SentFrame {
  type: string;
  id?: string;
  payload?: { query?: string; variables?: Record<string, unknown> };
}

const isFrame = (value: unknown): value is SentFrame =>
  typeof value === 'object' && value !== null && 'type' in value && typeof value.type === 'string';

export const recordingWebSocket = () => {
  const frames: SentFrame[] = [];
  const received: { id?: string; type: string; payload?: unknown }[] = [];
  class RecordingWebSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      this.on('message', (data, isBinary) => {
        if (isBinary) return;
        const parsed: unknown = JSON.parse(String(data));
        if (isFrame(parsed)) received.push(parsed);
      });
    }

    override send(data: unknown, ...rest: unknown[]): void {
      if (typeof data === 'string') {
        const parsed: unknown = JSON.parse(data);
        if (isFrame(parsed)) frames.push(parsed);
      }
      // ws declares `send` as overloads no single override can restate; the caller's arguments are passed
      // on unchanged, so calling through the widened signature is safe.
      (super.send as (data: unknown, ...rest: unknown[]) => void)(data, ...rest);
    }
  }
  return { WebSocket: RecordingWebSocket, frames, received };
};
