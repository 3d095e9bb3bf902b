import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ReadyPayload, ServerToClientEvents } from '../../server/realtime/events.ts';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A socket.io client as the browser opens it, carrying `cookie`. Resolves on `ready`, rejects on refusal. */
export function connectSocket(url: string, cookie?: string): Promise<{ socket: TestSocket; ready: ReadyPayload }> {
  const socket: TestSocket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: cookie ? { cookie } : {},
  });
  return new Promise((resolve, reject) => {
    socket.once('ready', (ready) => resolve({ socket, ready }));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** The next `event` on `socket`, or a timeout error. */
export function nextEvent<E extends keyof ServerToClientEvents>(socket: TestSocket, event: E, timeoutMs = 10_000): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${String(event)} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event as never, ((payload: unknown) => {
      clearTimeout(timer);
      resolve(payload as never);
    }) as never);
  });
}
