import { io, type Socket } from 'socket.io-client';

/**
 * Opens one socket per cookie (no cookie: an anonymous socket, for the bare baseline server), in
 * batches of 100 as a cohort arriving, so handshakes do not time out on two cores.
 */
export async function openSockets(url: string, cookies: (string | undefined)[]): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let start = 0; start < cookies.length; start += 100) {
    const batch = cookies.slice(start, start + 100).map(
      (cookie) =>
        new Promise<Socket>((resolve, reject) => {
          const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: cookie ? { cookie } : {} });
          const ready = cookie ? 'ready' : 'connect';
          socket.once(ready, () => resolve(socket));
          socket.once('connect_error', reject);
        }),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

