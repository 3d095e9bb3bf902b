import { listAuditEvents, type AuditEventDto, type AuditQuery } from '$lib/api/client';

export type AuditFilters = Omit<AuditQuery, 'cursor' | 'limit'>;

/**
 * The audit trail page: newest first, more loaded on demand (keyset pages, so nothing shifts
 * while reading). `refreshHead` fetches the first page again and adds what was recorded since.
 */
export class AuditTrail {
  readonly limit = 50;
  filters = $state<AuditFilters>({});
  events = $state<AuditEventDto[]>([]);
  actions = $state<string[]>([]);
  subjectTypes = $state<string[]>([]);
  nextCursor = $state<string | null>(null);
  loading = $state(false);
  error = $state<unknown>(null);
  /** Ids added by `refreshHead`, to highlight them. */
  fresh = $state<Record<string, true>>({});

  #controller: AbortController | null = null;

  async load(): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.loading = true;
    try {
      const page = await listAuditEvents({ ...this.filters, limit: this.limit }, controller.signal);
      if (controller.signal.aborted) return;
      this.events = page.events;
      this.nextCursor = page.nextCursor;
      this.actions = page.actions;
      this.subjectTypes = page.subjectTypes;
      this.fresh = {};
      this.error = null;
    } catch (error) {
      if (!controller.signal.aborted) this.error = error;
    } finally {
      if (this.#controller === controller) {
        this.loading = false;
        this.#controller = null;
      }
    }
  }

  async more(): Promise<void> {
    if (!this.nextCursor || this.loading) return;
    this.loading = true;
    try {
      const page = await listAuditEvents({ ...this.filters, limit: this.limit, cursor: this.nextCursor });
      const known = new Set(this.events.map((e) => e.id));
      this.events = [...this.events, ...page.events.filter((e) => !known.has(e.id))];
      this.nextCursor = page.nextCursor;
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  /** Adds events recorded since the newest one shown (the first page, merged in front). */
  async refreshHead(): Promise<void> {
    if (this.loading) return;
    try {
      const page = await listAuditEvents({ ...this.filters, limit: this.limit });
      const known = new Set(this.events.map((e) => e.id));
      const added = page.events.filter((e) => !known.has(e.id) && (!this.events[0] || e.createdAt >= this.events[0].createdAt));
      if (!added.length) return;
      this.events = [...added, ...this.events];
      this.fresh = { ...this.fresh, ...Object.fromEntries(added.map((e) => [e.id, true as const])) };
      this.actions = page.actions;
      this.subjectTypes = page.subjectTypes;
    } catch {
      // The next change or a reload tries again; the list on screen stays as it was.
    }
  }

  filter(filters: AuditFilters): void {
    this.filters = filters;
    void this.load();
  }

  dispose(): void {
    this.#controller?.abort();
  }
}
