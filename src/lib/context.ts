// The app-wide objects, created once by the root layout and handed down through Svelte context
// rather than module singletons, so each mounted app (and each test) gets its own.
import { createContext } from 'svelte';
import type { RealtimeConnection } from '$lib/realtime/connection.svelte';
import type { Session } from '$lib/session.svelte';
import type { ToastQueue } from '$lib/toasts.svelte';

export const [getSession, setSession] = createContext<Session>();
export const [getConnection, setConnection] = createContext<RealtimeConnection>();
export const [getToasts, setToasts] = createContext<ToastQueue>();
