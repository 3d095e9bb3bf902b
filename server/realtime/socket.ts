import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import { Server } from 'socket.io';
import { sessionTokenFromCookieHeader, validateSessionToken } from '../auth/session.ts';
import type { Database } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { z } from 'zod';
import { rooms, type ClientToServerEvents, type ServerToClientEvents, type WatchTarget } from './events.ts';
import { roomsForUser } from './relay.ts';

export interface SocketData {
  userId: string;
  sessionId: string;
}

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface Realtime {
  io: RealtimeServer;
  status(): { ok: boolean; clients: number };
  close(): Promise<void>;
}

/**
 * socket.io on the app's HTTP server (or detached, on worker-only nodes, to broadcast through the
 * adapter). The handshake needs a valid session cookie; a socket then joins its user, session and
 * role rooms. `@socket.io/postgres-adapter` carries broadcasts between nodes over LISTEN/NOTIFY.
 */
export async function startRealtime(options: {
  httpServer?: HttpServer;
  db: Database;
  databaseUrl: string;
  sessionDays: number;
  log: Logger;
  /** May this user hear this course's, cohort's or slot board's room? Wired to the permission table by the caller. */
  canWatch?: (userId: string, target: WatchTarget) => Promise<boolean>;
}): Promise<Realtime> {
  const { db, log } = options;
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4, application_name: 'learning-platform-realtime' });
  let closing = false;
  let adapterHealthy = true;
  // The embedded Postgres stopping under an idle client must not become an unhandled error.
  pool.on('error', (error) => {
    if (!closing) log.warn('realtime pool error', { error: error.message });
  });

  const io: RealtimeServer = new Server({
    serveClient: false,
    path: '/socket.io',
    // Cross-site WebSocket hijacking: only pages served from this host may open a socket.
    allowRequest: (request, callback) => {
      const origin = request.headers.origin;
      if (!origin) return callback(null, true);
      try {
        callback(null, new URL(origin).host === request.headers.host);
      } catch {
        callback(null, false);
      }
    },
  });
  io.adapter(
    createAdapter(pool, {
      errorHandler: (error) => {
        if (closing) return;
        adapterHealthy = false;
        log.warn('realtime adapter error', { error: error.message });
      },
    }),
  );
  if (options.httpServer) io.attach(options.httpServer);

  io.use(async (socket, next) => {
    try {
      const token = sessionTokenFromCookieHeader(socket.handshake.headers.cookie);
      const session = token ? await validateSessionToken(db, token, { lifetimeDays: options.sessionDays }) : null;
      if (!session) return next(new Error('unauthorized'));
      socket.data = { userId: session.user.id, sessionId: session.sessionId };
      await socket.join(roomsForUser(session.user.id, session.sessionId, session.user.roles));
      next();
    } catch (error) {
      log.error('socket handshake failed', { error });
      next(new Error('unavailable'));
    }
  });

  const watchTarget = z.object({ kind: z.enum(['course', 'cohort', 'board']), id: z.uuid() });
  const roomOf = (target: WatchTarget) => (target.kind === 'course' ? rooms.course(target.id) : target.kind === 'board' ? rooms.board(target.id) : rooms.cohort(target.id));

  io.on('connection', (socket) => {
    socket.on('watch', async (raw, reply) => {
      const answer = typeof reply === 'function' ? reply : () => {};
      const parsed = watchTarget.safeParse(raw);
      if (!parsed.success) return answer({ ok: false, error: 'bad_request' });
      try {
        const allowed = options.canWatch ? await options.canWatch(socket.data.userId, parsed.data) : false;
        if (!allowed) return answer({ ok: false, error: 'forbidden' });
        const room = roomOf(parsed.data);
        await socket.join(room);
        answer({ ok: true, room });
      } catch (error) {
        log.error('watch failed', { error });
        answer({ ok: false, error: 'unavailable' });
      }
    });
    socket.on('unwatch', (raw) => {
      const parsed = watchTarget.safeParse(raw);
      if (parsed.success) void socket.leave(roomOf(parsed.data));
    });
    socket.emit('ready', { userId: socket.data.userId, rooms: [...socket.rooms].filter((room) => room !== socket.id), serverTime: new Date().toISOString() });
  });

  return {
    io,
    status: () => ({ ok: adapterHealthy && !closing, clients: io.engine?.clientsCount ?? 0 }),
    async close() {
      closing = true;
      // Closing the engine drops every connection of this node (only this node's): clients see
      // a transport close and reconnect by themselves, to another node if this one is gone.
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await pool.end().catch(() => {});
    },
  };
}
