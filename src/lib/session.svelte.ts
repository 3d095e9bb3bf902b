import * as api from '$lib/api/client';
import { ApiError } from '$lib/api/client';
import type { UserDto } from '$server/modules/users/dto.ts';
import type { Role } from '$server/auth/roles.ts';
import { browserTimeZone, viewerTimeZone } from '$lib/time';

export type SessionStatus = 'loading' | 'signed-in' | 'signed-out' | 'unavailable';

const isUnauthenticated = (error: unknown) => error instanceof ApiError && error.status === 401;

/**
 * Who is signed in in this tab. The layout restores it from the session cookie on start; the
 * login and signup pages fill it; a 401 or a revoked session clears it.
 */
export class Session {
  user = $state<UserDto | null>(null);
  status = $state<SessionStatus>('loading');
  /** True after the person pressed "Sign out", as opposed to a session that ended by itself. */
  signedOutByUser = false;
  /** The zone every time on screen is shown in. */
  timeZone = $derived(viewerTimeZone(this.user?.timezone));

  hasRole(role: Role): boolean {
    return this.user?.roles.includes(role) ?? false;
  }

  hasAnyRole(roles: readonly Role[]): boolean {
    return roles.some((role) => this.hasRole(role));
  }

  /** Reads the session cookie's user; `unavailable` when the API cannot be reached. */
  async restore(): Promise<void> {
    this.status = 'loading';
    try {
      this.#signIn((await api.getSession()).user);
    } catch (error) {
      if (isUnauthenticated(error)) this.clear();
      else this.status = 'unavailable';
    }
  }

  /** True while the server still accepts this browser's session. */
  async verify(): Promise<boolean> {
    try {
      this.#signIn((await api.getSession()).user);
      return true;
    } catch (error) {
      if (isUnauthenticated(error)) return false;
      throw error;
    }
  }

  async login(input: { email: string; password: string }): Promise<void> {
    const session = await api.login({ ...input, timezone: browserTimeZone() });
    this.#signIn(session.user);
  }

  async signup(input: { email: string; name: string; password: string; inviteToken?: string }): Promise<void> {
    const session = await api.signup({ ...input, timezone: browserTimeZone() });
    this.#signIn(session.user);
  }

  async logout(): Promise<void> {
    try {
      await api.logout();
    } catch (error) {
      // Already signed out on the server: the local outcome is the same.
      if (!isUnauthenticated(error)) throw error;
    }
    this.signedOutByUser = true;
    this.clear();
  }

  /** Applies a `user.updated` event or a PATCH answer when it is about the signed-in person. */
  applyUserUpdate(user: UserDto): void {
    if (!this.user || user.id !== this.user.id || user.updatedAt < this.user.updatedAt) return;
    if (!user.isActive) this.clear();
    else this.user = user;
  }

  clear(): void {
    this.user = null;
    this.status = 'signed-out';
  }

  #signIn(user: UserDto): void {
    this.signedOutByUser = false;
    this.user = user;
    this.status = 'signed-in';
  }
}
