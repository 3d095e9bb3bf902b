// The one typed client for the platform's HTTP API. Every request the browser makes goes
// through `request()`; pages call the named functions below and never build URLs themselves.
import type { z } from 'zod';
import type { MailboxDto, MailMessageDto } from '$server/mail/dto.ts';
import type { Health as HealthDto } from '$server/modules/system/health.ts';
import type { Settings as SettingsDto } from '$server/modules/system/settings.ts';
import type {
  ApiKeyDto,
  AuthConfigDto,
  CreatedApiKeyDto,
  CreatedInviteDto,
  InviteDto,
  PasswordChangedDto,
  SessionDto,
  UserDto,
  UserListDto,
  apiKeyInput,
  changePasswordInput,
  inviteInput,
  loginInput,
  profileInput,
  signupInput,
  userUpdateInput,
} from '$server/modules/users/dto.ts';
import type { Role } from '$server/auth/roles.ts';

/**
 * A non-2xx answer, carrying the server's `{ error: { code, message, details? } }`.
 * Network failures become `code: 'network_error'` with `status: 0`.
 *
 * @example
 * try { await login(form) } catch (e) { if (e instanceof ApiError && e.code === 'invalid_credentials') … }
 */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;

  constructor(init: { code: string; message: string; status: number; details?: unknown }) {
    super(init.message);
    this.name = 'ApiError';
    this.code = init.code;
    this.status = init.status;
    this.details = init.details;
  }
}

/** Dispatched on `window` whenever the API answers 401 `unauthenticated`. */
export const UNAUTHENTICATED_EVENT = 'api:unauthenticated';

type Query = Record<string, string | number | boolean | undefined | null>;

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
  /** Statuses besides 2xx whose JSON body is a normal answer (health answers 503 when degraded). */
  acceptStatuses?: number[];
}

/** Builds `/api/…?a=b`, leaving out empty query values so `?search=` is never sent. */
function apiUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const search = params.toString();
  return `/api${path}${search ? `?${search}` : ''}`;
}

async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy error page, say): fall through to a generic message.
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (error && typeof error.code === 'string') {
    return new ApiError({
      code: error.code,
      message: typeof error.message === 'string' ? error.message : response.statusText,
      status: response.status,
      details: error.details,
    });
  }
  return new ApiError({
    code: response.status >= 500 ? 'internal' : 'http_error',
    message: `The server answered ${response.status} ${response.statusText}`.trim(),
    status: response.status,
  });
}

/**
 * Calls the API on the same origin with the session cookie and returns the parsed JSON body
 * (or `undefined` for 204). Throws `ApiError` for any failure.
 *
 * @example const users = await request<UserListDto>('/users', { query: { role: 'student' } });
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method: options.method ?? 'GET',
      credentials: 'same-origin',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({ code: 'network_error', message: 'Could not reach the server. Check your connection.', status: 0 });
  }
  if (!response.ok && !options.acceptStatuses?.includes(response.status)) {
    const error = await errorFromResponse(response);
    // Whoever is showing the signed-in app (the root layout) hears that the session is gone,
    // even when the page handles the error itself (an error state in a list).
    if (error.code === 'unauthenticated') window.dispatchEvent(new CustomEvent(UNAUTHENTICATED_EVENT));
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

// ---------- Query shapes (the server parses these from the URL) ----------

export type { AuthConfigDto, CreatedApiKeyDto, CreatedInviteDto, PasswordChangedDto } from '$server/modules/users/dto.ts';
export type { Health as HealthDto } from '$server/modules/system/health.ts';
export type { Settings as SettingsDto } from '$server/modules/system/settings.ts';
export type SignupMode = SettingsDto['signupMode'];

export interface UserListQuery {
  search?: string;
  role?: Role;
  limit?: number;
  offset?: number;
}
export interface MailboxQuery {
  to?: string;
  limit?: number;
  offset?: number;
}

// ---------- Auth ----------

export const getAuthConfig = () => request<AuthConfigDto>('/auth/config');

export const signup = (body: z.input<typeof signupInput>) =>
  request<SessionDto>('/auth/signup', { method: 'POST', body });

export const login = (body: z.input<typeof loginInput>) => request<SessionDto>('/auth/login', { method: 'POST', body });

export const logout = () => request<void>('/auth/logout', { method: 'POST' });

export const getSession = () => request<SessionDto>('/auth/session');

export const changePassword = (body: z.input<typeof changePasswordInput>) =>
  request<PasswordChangedDto>('/auth/password', { method: 'POST', body });

export const updateProfile = (body: z.input<typeof profileInput>) => request<UserDto>('/me', { method: 'PATCH', body });

// ---------- Users and invites ----------

export const listUsers = (query: UserListQuery = {}, signal?: AbortSignal) =>
  request<UserListDto>('/users', { query: { ...query }, signal });

export const updateUser = (id: string, body: z.input<typeof userUpdateInput>) =>
  request<UserDto>(`/users/${encodeURIComponent(id)}`, { method: 'PATCH', body });

export const listInvites = () => request<{ invites: InviteDto[] }>('/invites');

export const createInvite = (body: z.input<typeof inviteInput>) =>
  request<CreatedInviteDto>('/invites', { method: 'POST', body });

export const revokeInvite = (id: string) => request<void>(`/invites/${encodeURIComponent(id)}`, { method: 'DELETE' });

// ---------- API keys ----------

export const listApiKeys = () => request<{ apiKeys: ApiKeyDto[] }>('/api-keys');

export const createApiKey = (body: z.input<typeof apiKeyInput>) =>
  request<CreatedApiKeyDto>('/api-keys', { method: 'POST', body });

export const revokeApiKey = (id: string) => request<ApiKeyDto>(`/api-keys/${encodeURIComponent(id)}`, { method: 'DELETE' });

// ---------- Settings and health ----------

export const getSettings = () => request<SettingsDto>('/settings');

export const updateSettings = (body: SettingsDto) => request<SettingsDto>('/settings', { method: 'PATCH', body });

export const getHealth = () => request<HealthDto>('/health', { acceptStatuses: [503] });

// ---------- Mailbox ----------

export const listMail = (query: MailboxQuery = {}, signal?: AbortSignal) =>
  request<MailboxDto>('/mailbox', { query: { ...query }, signal });

export const getMail = (id: string) => request<MailMessageDto>(`/mailbox/${encodeURIComponent(id)}`);
