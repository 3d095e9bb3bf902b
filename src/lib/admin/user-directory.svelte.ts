import type { Role } from '$server/auth/roles.ts';
import type { UserDto, UserListDto } from '$server/modules/users/dto.ts';
import { listUsers, updateUser } from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';

/**
 * The admin's view of users: one page of a filtered list, kept current by `user.updated`
 * events, with role and status edits applied at once and undone if the server refuses.
 */
export class UserDirectory {
  search = $state('');
  role = $state<Role | ''>('');
  offset = $state(0);
  readonly limit: number;
  /** Users with a change in flight; their controls are disabled until the server answers. */
  saving = $state<Record<string, boolean>>({});

  readonly list: Snapshot<UserListDto>;
  #reloadTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(limit = 20) {
    this.limit = limit;
    this.list = new Snapshot((signal) =>
      listUsers({ search: this.search.trim() || undefined, role: this.role || undefined, limit: this.limit, offset: this.offset }, signal),
    );
  }

  load(): Promise<void> {
    return this.list.load();
  }

  filter(change: { search?: string; role?: Role | '' }): void {
    if (change.search !== undefined) this.search = change.search;
    if (change.role !== undefined) this.role = change.role;
    this.offset = 0;
    void this.load();
  }

  goTo(offset: number): void {
    this.offset = offset;
    void this.load();
  }

  /** A `user.updated` event: update the row in place, or refetch when someone new may belong here. */
  applyEvent(user: UserDto): void {
    const shown = this.list.value?.users.find((u) => u.id === user.id);
    if (shown) {
      // Events can overtake each other across nodes: keep the newest copy.
      if (user.updatedAt >= shown.updatedAt) this.#replace(user);
      return;
    }
    clearTimeout(this.#reloadTimer);
    this.#reloadTimer = setTimeout(() => void this.load(), 300);
  }

  setRoles(user: UserDto, roles: Role[]): Promise<void> {
    return this.#edit(user, { roles }, { ...user, roles });
  }

  setActive(user: UserDto, isActive: boolean): Promise<void> {
    return this.#edit(user, { isActive }, { ...user, isActive });
  }

  dispose(): void {
    clearTimeout(this.#reloadTimer);
  }

  async #edit(before: UserDto, change: { roles?: Role[]; isActive?: boolean }, optimistic: UserDto): Promise<void> {
    this.saving[before.id] = true;
    this.#replace(optimistic);
    try {
      this.#replace(await updateUser(before.id, change));
    } catch (error) {
      this.#replace(before);
      throw error;
    } finally {
      delete this.saving[before.id];
    }
  }

  #replace(user: UserDto): void {
    this.list.update((page) => ({ ...page, users: page.users.map((u) => (u.id === user.id ? user : u)) }));
  }
}
