/**
 * What a page shows of server state: the last good answer, whether a fetch is in flight, and
 * the error of the last fetch. A newer `load()` cancels an older one, so a slow answer to an old
 * search never overwrites a newer one.
 *
 * @example
 * const users = new Snapshot((signal) => listUsers({ search }, signal));
 * onMount(() => { void users.load(); return connection.onResync(() => void users.load()); });
 */
export class Snapshot<T> {
  value = $state<T | undefined>(undefined);
  error = $state<unknown>(null);
  loading = $state(false);
  /** Nothing to show yet: the first load is running. */
  initialLoading = $derived(this.loading && this.value === undefined && this.error === null);

  #read: (signal: AbortSignal) => Promise<T>;
  #controller: AbortController | null = null;

  constructor(read: (signal: AbortSignal) => Promise<T>) {
    this.#read = read;
  }

  async load(): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.loading = true;
    try {
      const value = await this.#read(controller.signal);
      if (controller.signal.aborted) return;
      this.value = value;
      this.error = null;
    } catch (error) {
      if (controller.signal.aborted) return;
      this.error = error;
    } finally {
      if (this.#controller === controller) {
        this.loading = false;
        this.#controller = null;
      }
    }
  }

  /** Changes the held value in place (a live event, an optimistic edit). */
  update(change: (value: T) => T): void {
    if (this.value !== undefined) this.value = change(this.value);
  }
}
