// The browser's one socket.io connection. Pages load a snapshot over HTTP, then keep it current
// with events; after every (re)connect the server says `ready` once the socket has joined its
// rooms, and pages refetch their snapshot then, so events missed while offline never leave a
// screen wrong.
import { io, type Socket } from 'socket.io-client';
import { rooms, type ClientToServerEvents, type ServerToClientEvents, type WatchReply, type WatchTarget } from '$server/realtime/events.ts';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';
export type RealtimeEvent = keyof ServerToClientEvents;
type Payload<K extends RealtimeEvent> = Parameters<ServerToClientEvents[K]>[0];

export interface RealtimeOptions {
  /** The server no longer accepts this session: send the person to sign in again. */
  onUnauthorized: () => void;
  /** Asks the API whether this browser is still signed in (true) or not (false). */
  verifySession: () => Promise<boolean>;
}

const sessionRoomPrefix = rooms.session('');
/** How long a watch waits for the server's answer before the page goes on without it. */
const WATCH_TIMEOUT_MS = 5000;

const watchKey = (target: WatchTarget) => `${target.kind}:${target.id}`;

/**
 * Live updates for the signed-in person.
 *
 * @example
 * const stop = connection.on('user.updated', (user) => users.replace(user));
 * const stopResync = connection.onResync(() => users.load());
 */
export class RealtimeConnection {
  state = $state<ConnectionState>('disconnected');

  #options: RealtimeOptions;
  #socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  #userId: string | null = null;
  /** This browser's session id, learnt from the `session:<id>` room named in `ready`. */
  #sessionId: string | null = null;
  #handlers = new Map<RealtimeEvent, Set<(payload: never) => void>>();
  #resyncCallbacks = new Set<() => void>();
  /** Course and cohort rooms pages asked to hear, with how many pages asked (so one leaving keeps the others'). */
  #watched = new Map<string, { target: WatchTarget; count: number }>();

  constructor(options: RealtimeOptions) {
    this.#options = options;
  }

  /** Connects for this user; calling it again for the same user does nothing. */
  open(userId: string): void {
    if (this.#socket && this.#userId === userId) return;
    this.close();
    this.#userId = userId;
    this.state = 'connecting';

    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
      path: '/socket.io',
      withCredentials: true,
      // A websocket when the network allows it; long-polling behind proxies that block upgrades.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      // One manager per sign-in, so nothing from the previous person's connection is reused.
      forceNew: true,
    });
    this.#socket = socket;
    const current = () => this.#socket === socket;

    socket.on('connect', () => {
      if (current()) this.state = 'connected';
    });
    socket.io.on('reconnect_attempt', () => {
      if (current()) this.state = 'connecting';
    });
    socket.on('disconnect', (reason) => {
      if (!current()) return;
      this.state = 'disconnected';
      // The server closed this socket on purpose (a revoked session, a deactivated account)
      // and socket.io will not retry by itself: ask the API whether we are still signed in.
      if (reason === 'io server disconnect') void this.#verifyOrSignOut();
    });
    socket.on('connect_error', (error) => {
      if (!current()) return;
      if (error.message === 'unauthorized') {
        this.#signOut();
        return;
      }
      this.state = 'disconnected';
    });
    socket.on('ready', (payload) => {
      if (!current()) return;
      this.#sessionId = payload.rooms.find((room) => room.startsWith(sessionRoomPrefix))?.slice(sessionRoomPrefix.length) ?? null;
      // A new connection is in no course or cohort room: join the watched ones again, and only
      // then let pages refetch, so nothing changed between their snapshot and the join is lost.
      const rewatch = [...this.#watched.values()].map(({ target }) => this.#sendWatch(socket, target));
      void Promise.all(rewatch).then(() => {
        if (!current()) return;
        for (const callback of [...this.#resyncCallbacks]) callback();
      });
    });
    socket.on('session.revoked', (payload) => {
      if (!current() || payload.userId !== this.#userId) return;
      if (this.#sessionId) {
        if (payload.sessionIds.includes(this.#sessionId)) this.#signOut();
        return;
      }
      // Our own session id is unknown (no `ready` yet): let the server tell us.
      void this.#verifyOrSignOut();
    });
    socket.onAny((event: string, payload: unknown) => {
      if (!current()) return;
      const handlers = this.#handlers.get(event as RealtimeEvent);
      if (!handlers) return;
      for (const handler of [...handlers]) (handler as (payload: unknown) => void)(payload);
    });
  }

  /** Disconnects (on sign-out); subscriptions stay registered for the next `open`. */
  close(): void {
    const socket = this.#socket;
    this.#socket = null;
    this.#userId = null;
    this.#sessionId = null;
    this.state = 'disconnected';
    if (socket) {
      socket.offAny();
      socket.io.off('reconnect_attempt');
      socket.disconnect();
    }
  }

  /** Tries again now (the browser came back online). */
  reconnect(): void {
    const socket = this.#socket;
    if (socket && !socket.connected && !socket.active) {
      this.state = 'connecting';
      socket.connect();
    }
  }

  /**
   * Calls `handler` for every `event` until the returned function is called.
   * @example $effect(() => connection.on('mail.recorded', (mail) => mailbox.add(mail)));
   */
  on<K extends RealtimeEvent>(event: K, handler: (payload: Payload<K>) => void): () => void {
    let handlers = this.#handlers.get(event);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(event, handlers);
    }
    const stored = handler as (payload: never) => void;
    handlers.add(stored);
    return () => {
      handlers.delete(stored);
    };
  }

  /**
   * Calls `callback` after every (re)connect, once the socket has joined its rooms; pages refetch
   * their snapshot there. Returns the unsubscribe function.
   */
  onResync(callback: () => void): () => void {
    this.#resyncCallbacks.add(callback);
    return () => {
      this.#resyncCallbacks.delete(callback);
    };
  }

  /**
   * Hears a course's or a cohort's room (its learners' progress) until `unwatch`, across
   * reconnects. Resolves with the server's answer (`forbidden` when the person may not), or
   * `offline` when there is no connection now; the room is joined on the next connect either way.
   * Load the page's snapshot after this resolves, so no change falls between the two.
   *
   * @example await connection.watch({ kind: 'cohort', id }); await dashboard.load();
   */
  watch(target: WatchTarget): Promise<WatchReply> {
    const key = watchKey(target);
    const known = this.#watched.get(key);
    if (known) known.count += 1;
    else this.#watched.set(key, { target: { kind: target.kind, id: target.id }, count: 1 });
    const socket = this.#socket;
    if (!socket?.connected) return Promise.resolve({ ok: false, error: 'offline' });
    return this.#sendWatch(socket, target);
  }

  /** Stops hearing a room once every page that watched it has let go. */
  unwatch(target: WatchTarget): void {
    const key = watchKey(target);
    const known = this.#watched.get(key);
    if (!known) return;
    known.count -= 1;
    if (known.count > 0) return;
    this.#watched.delete(key);
    if (this.#socket?.connected) this.#socket.emit('unwatch', known.target);
  }

  async #sendWatch(socket: Socket<ServerToClientEvents, ClientToServerEvents>, target: WatchTarget): Promise<WatchReply> {
    try {
      return await socket.timeout(WATCH_TIMEOUT_MS).emitWithAck('watch', target);
    } catch {
      // No answer in time (a busy or restarting node): the next reconnect tries again.
      return { ok: false, error: 'timeout' };
    }
  }

  async #verifyOrSignOut(): Promise<void> {
    const socket = this.#socket;
    let signedIn: boolean;
    try {
      signedIn = await this.#options.verifySession();
    } catch {
      // The API is unreachable: socket.io keeps retrying and the next answer decides.
      signedIn = true;
    }
    if (this.#socket !== socket || !socket) return;
    if (!signedIn) this.#signOut();
    else if (!socket.connected && !socket.active) this.reconnect();
  }

  #signOut(): void {
    this.close();
    this.#options.onUnauthorized();
  }
}
