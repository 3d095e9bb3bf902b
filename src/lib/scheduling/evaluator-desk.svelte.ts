import type { AvailabilityDto, BoardChangeDto, BoardRefreshDto, CertificateRequestDto, CertificateRequestListDto } from '$server/modules/scheduling/dto.ts';
import { getAvailability, listEvaluatorRequests, listUnavailability, type EvaluatorRequestRange, type UnavailabilityListDto } from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';
import { upsertRequest } from '$lib/scheduling/my-evaluations.svelte';
import { dayKey } from '$lib/scheduling/slot-time';
import { addDays, mondayOf, weekOf } from '$lib/scheduling/week';

/** What a live request change means to the evaluator, for the toast. */
export type RequestChange = 'booked' | 'moved' | 'cancelled' | 'updated';

const REFETCH_DELAY_MS = 300;

/**
 * An evaluator's desk: their requests (today, upcoming, past) and a week board of their hours,
 * bookings and days off, all in the zone their hours are kept in, kept live from their
 * `evaluator:<id>` room.
 */
export class EvaluatorDesk {
  readonly evaluatorId: string;
  readonly today = this.#requests('today');
  readonly upcoming = this.#requests('upcoming');
  readonly past = this.#requests('past');
  readonly availability = new Snapshot<AvailabilityDto>((signal) => getAvailability(this.evaluatorId, signal));
  readonly unavailability = new Snapshot<UnavailabilityListDto>((signal) => listUnavailability(this.evaluatorId, signal));

  /** The Monday of the week on the board; null until the hours' zone is known. */
  #weekStart = $state<string | null>(null);
  timeZone = $derived(this.availability.value?.timezone ?? 'UTC');
  todayDay = $derived(dayKey(new Date(), this.timeZone));
  weekStart = $derived(this.#weekStart ?? mondayOf(this.todayDay));
  days = $derived(weekOf(this.weekStart));
  /** Every non-cancelled booking known, once each. */
  bookings = $derived.by(() => {
    const byId = new Map<string, CertificateRequestDto>();
    for (const list of [this.past.value, this.today.value, this.upcoming.value]) {
      for (const request of list?.requests ?? []) if (request.status !== 'cancelled') byId.set(request.id, request);
    }
    return [...byId.values()].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  });

  #refetchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(evaluatorId: string) {
    this.evaluatorId = evaluatorId;
  }

  load(): Promise<void> {
    return Promise.all([this.today.load(), this.upcoming.load(), this.past.load(), this.availability.load(), this.unavailability.load()]).then(() => undefined);
  }

  loadRequests(): Promise<void> {
    return Promise.all([this.today.load(), this.upcoming.load(), this.past.load()]).then(() => undefined);
  }

  showWeek(offsetWeeks: number): void {
    this.#weekStart = addDays(this.weekStart, offsetWeeks * 7);
  }

  showThisWeek(): void {
    this.#weekStart = null;
  }

  /** Bookings on one day of the board (in the hours' zone). */
  bookingsOn(day: string): CertificateRequestDto[] {
    return this.bookings.filter((request) => dayKey(request.startsAt, this.timeZone) === day);
  }

  /** The day off covering `day`, if any. */
  dayOff(day: string) {
    return this.unavailability.value?.unavailability.find((range) => range.startsOn <= day && day <= range.endsOn) ?? null;
  }

  /** Applies a request event to the lists; says what happened so the page can tell the evaluator. */
  applyRequest(request: CertificateRequestDto): RequestChange | null {
    if (request.evaluatorId !== this.evaluatorId) {
      // Moved to another evaluator (staff reassigned it): it leaves this desk.
      const drop = (value: CertificateRequestListDto) => ({ requests: value.requests.filter((r) => r.id !== request.id) });
      this.today.update(drop);
      this.upcoming.update(drop);
      return null;
    }
    const known = [this.today.value, this.upcoming.value, this.past.value].flatMap((list) => list?.requests ?? []).find((r) => r.id === request.id);
    if (known && known.updatedAt > request.updatedAt) return null;

    const now = Date.now();
    const starts = Date.parse(request.startsAt);
    const isToday = dayKey(request.startsAt, this.timeZone) === dayKey(new Date(now), this.timeZone);
    const live = request.status !== 'cancelled';
    const place = (belongs: boolean) => (value: CertificateRequestListDto) =>
      belongs ? { requests: upsertRequest(value.requests, request).sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt)) } : { requests: value.requests.filter((r) => r.id !== request.id) };
    this.today.update(place(live && isToday));
    this.upcoming.update(place(live && starts >= now));
    this.past.update((value) => {
      const placed = place(starts < now)(value);
      return { requests: placed.requests.sort((a, b) => Date.parse(b.startsAt) - Date.parse(a.startsAt)) };
    });

    if (!known) return live ? 'booked' : null;
    if (known.status === 'pending' && request.status === 'cancelled') return 'cancelled';
    if (known.startsAt !== request.startsAt && live) return 'moved';
    return 'updated';
  }

  /** A booking or cancellation on this evaluator: the request event carries the details; refetch in case it was missed. */
  applyBoardChange(change: BoardChangeDto): void {
    if (change.evaluatorId !== this.evaluatorId) return;
    this.#scheduleRefetch(() => this.loadRequests());
  }

  applyBoardRefresh(refresh: BoardRefreshDto): void {
    if (refresh.evaluatorId !== this.evaluatorId) return;
    this.#scheduleRefetch(() => Promise.all([this.availability.load(), this.unavailability.load()]).then(() => undefined));
  }

  dispose(): void {
    clearTimeout(this.#refetchTimer);
  }

  #requests(range: EvaluatorRequestRange): Snapshot<CertificateRequestListDto> {
    return new Snapshot((signal) => listEvaluatorRequests(this.evaluatorId, range, signal));
  }

  #scheduleRefetch(load: () => Promise<void>): void {
    clearTimeout(this.#refetchTimer);
    this.#refetchTimer = setTimeout(() => void load(), REFETCH_DELAY_MS);
  }
}
