import { Snapshot } from '$lib/snapshot.svelte';

/**
 * Figures computed on the server that many events move at once (a statistics snapshot, a course
 * dashboard): events do not patch them, they ask for a fresh snapshot, at most once per
 * `intervalMs` however many arrive (the first after a quiet spell waits `settleMs`, so a burst
 * of events from one change costs one fetch).
 *
 * @example
 * const overview = new LiveFigures((signal) => getStatsOverview(signal));
 * connection.on('enrollment.updated', () => overview.changed());
 */
export class LiveFigures<T> {
  readonly snapshot: Snapshot<T>;
  /** When this browser last received the figures. */
  receivedAt = $state<Date | null>(null);
  /** Events arrived since the figures on screen were fetched. */
  stale = $state(false);

  readonly #intervalMs: number;
  readonly #settleMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastLoadAt = 0;

  constructor(read: (signal: AbortSignal) => Promise<T>, options: { intervalMs?: number; settleMs?: number } = {}) {
    this.snapshot = new Snapshot(read);
    this.#intervalMs = options.intervalMs ?? 1500;
    this.#settleMs = options.settleMs ?? 250;
  }

  async load(): Promise<void> {
    this.#lastLoadAt = Date.now();
    this.stale = false;
    await this.snapshot.load();
    if (this.snapshot.error === null && this.snapshot.value !== undefined) this.receivedAt = new Date();
  }

  /** Something these figures count has changed: fetch them again soon. */
  changed(): void {
    this.stale = true;
    if (this.#timer !== undefined) return;
    const wait = Math.max(this.#settleMs, this.#lastLoadAt + this.#intervalMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.load();
    }, wait);
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
