import type { BoardChangeDto, BoardRefreshDto, CertificateRequestDto, CertificateRequestListDto, SlotDto, SlotsDto } from '$server/modules/scheduling/dto.ts';
import type { LearnCourseDto } from '$server/modules/enrollment/dto.ts';
import {
  ApiError,
  bookSlot,
  cancelCertificateRequest,
  getLearnCourse,
  listMyCertificateRequests,
  listSlots,
  rescheduleCertificateRequest,
} from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';
import { upsertRequest } from '$lib/scheduling/my-evaluations.svelte';
import { overlaps } from '$lib/scheduling/slot-time';

/** Why the slot being confirmed is no longer there, and the nearest one still free. */
export interface LostSlot {
  startsAt: string;
  nearest: SlotDto | null;
}

/** How long a burst of board events waits before one refetch (a cohort booking at once). */
const REFETCH_DELAY_MS = 250;

/**
 * A learner's evaluation board for one course: their active request, or the free slots, kept
 * live from the `board:<courseId>` room. A slot someone else books leaves the list at once; a
 * freed slot or changed hours refetch the list, since only the server knows what is offered.
 */
export class SlotBoard {
  readonly courseId: string;
  readonly course = new Snapshot<LearnCourseDto>((signal) => getLearnCourse(this.courseId, signal));
  readonly board = new Snapshot<SlotsDto>((signal) => listSlots(this.courseId, {}, signal));
  readonly requests = new Snapshot<CertificateRequestListDto>((signal) => listMyCertificateRequests(signal));

  /** The slot the learner picked and is asked to confirm. */
  selected = $state<SlotDto | null>(null);
  /** Set when the picked slot was taken by someone else before the learner confirmed it. */
  lost = $state<LostSlot | null>(null);
  /** True while the learner picks a new time for their existing request. */
  rescheduling = $state(false);
  busy = $state(false);
  /** A refusal the learner acts on (not eligible yet, a request already there, the cutoff passed). */
  refusal = $state<ApiError | null>(null);

  /** The learner's pending request for this course, if any. */
  active = $derived(this.requests.value?.requests.find((r) => r.courseId === this.courseId && r.status === 'pending') ?? null);
  /** Their latest finished or cancelled request for this course, shown for context. */
  latestClosed = $derived(
    this.requests.value?.requests
      .filter((r) => r.courseId === this.courseId && r.status !== 'pending')
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0] ?? null,
  );
  slots = $derived(this.board.value?.slots ?? []);

  #refetchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(courseId: string) {
    this.courseId = courseId;
  }

  async load(): Promise<void> {
    await Promise.all([this.course.load(), this.board.load(), this.requests.load()]);
    this.#checkSelected();
  }

  /** Someone's booking or cancellation on an evaluator this course uses. */
  applyBoardChange(change: BoardChangeDto): void {
    if (!change.courseIds.includes(this.courseId)) return;
    if (change.state === 'free') {
      this.#scheduleRefetch();
      return;
    }
    if (change.requestId && change.requestId === this.active?.id) return;
    // Taken: drop every slot that overlaps it now; the refetch brings back any time another
    // evaluator of this course still offers.
    this.board.update((value) => ({ ...value, slots: value.slots.filter((slot) => !overlaps(slot, change)) }));
    // While our own booking of it is in flight, the answer to that request decides (this event may be ours).
    if (this.selected && !this.busy && overlaps(this.selected, change)) this.#markLost(this.selected.startsAt, null);
    this.#scheduleRefetch();
  }

  applyBoardRefresh(refresh: BoardRefreshDto): void {
    if (refresh.courseIds.includes(this.courseId)) this.#scheduleRefetch();
  }

  /** Our own request changed (booked in another tab, cancelled by staff, evaluated). */
  applyRequest(request: CertificateRequestDto): void {
    if (request.courseId !== this.courseId) return;
    this.requests.update((value) => ({ requests: upsertRequest(value.requests, request) }));
  }

  select(slot: SlotDto): void {
    this.selected = slot;
    this.lost = null;
    this.refusal = null;
  }

  clearSelection(): void {
    this.selected = null;
    this.lost = null;
    this.refusal = null;
  }

  startRescheduling(): void {
    this.rescheduling = true;
    this.clearSelection();
    void this.board.load();
  }

  stopRescheduling(): void {
    this.rescheduling = false;
    this.clearSelection();
  }

  /** Books (or moves the request to) the selected slot. Returns the request, or null when refused. */
  async confirm(timezone: string): Promise<CertificateRequestDto | null> {
    const slot = this.selected;
    if (!slot || this.busy) return null;
    this.busy = true;
    this.refusal = null;
    try {
      const request = this.rescheduling && this.active ? await rescheduleCertificateRequest(this.active.id, slot.startsAt) : await bookSlot(this.courseId, { startsAt: slot.startsAt, timezone });
      this.applyRequest(request);
      this.rescheduling = false;
      this.clearSelection();
      this.#scheduleRefetch();
      return request;
    } catch (error) {
      if (error instanceof ApiError && (error.code === 'slot_taken' || error.code === 'slot_unavailable')) {
        const nearest = (error.details as { nearestSlot?: SlotDto | null } | undefined)?.nearestSlot ?? null;
        this.board.update((value) => ({ ...value, slots: value.slots.filter((s) => s.startsAt !== slot.startsAt) }));
        this.#markLost(slot.startsAt, nearest);
        this.#scheduleRefetch();
        return null;
      }
      if (error instanceof ApiError && ['not_eligible', 'request_exists', 'cutoff_passed', 'evaluation_not_offered'].includes(error.code)) {
        this.refusal = error;
        if (error.code === 'request_exists') void this.requests.load();
        return null;
      }
      throw error;
    } finally {
      this.busy = false;
    }
  }

  async cancel(): Promise<CertificateRequestDto | null> {
    const request = this.active;
    if (!request || this.busy) return null;
    this.busy = true;
    try {
      const cancelled = await cancelCertificateRequest(request.id);
      this.applyRequest(cancelled);
      this.rescheduling = false;
      this.#scheduleRefetch();
      return cancelled;
    } finally {
      this.busy = false;
    }
  }

  dispose(): void {
    clearTimeout(this.#refetchTimer);
  }

  #markLost(startsAt: string, nearest: SlotDto | null): void {
    this.selected = null;
    this.lost = { startsAt, nearest: nearest ?? this.#nearestShown(startsAt) };
  }

  /** The free slot on screen closest in time to the one that was lost. */
  #nearestShown(startsAt: string): SlotDto | null {
    const at = Date.parse(startsAt);
    let best: SlotDto | null = null;
    for (const slot of this.slots) {
      if (slot.startsAt === startsAt) continue;
      if (!best || Math.abs(Date.parse(slot.startsAt) - at) < Math.abs(Date.parse(best.startsAt) - at)) best = slot;
    }
    return best;
  }

  #scheduleRefetch(): void {
    clearTimeout(this.#refetchTimer);
    this.#refetchTimer = setTimeout(() => {
      void this.board.load().then(() => this.#checkSelected());
    }, REFETCH_DELAY_MS);
  }

  /** After a refetch: a lost pick offered again comes back; a suggestion that is gone too is replaced by one still free. */
  #checkSelected(): void {
    const lost = this.lost;
    // Another evaluator of this course still offers that time: the learner keeps their pick.
    const back = lost && this.slots.find((s) => s.startsAt === lost.startsAt);
    if (back) {
      this.lost = null;
      this.selected = back;
      return;
    }
    if (lost?.nearest && !this.slots.some((s) => s.startsAt === lost.nearest!.startsAt)) {
      this.lost = { startsAt: lost.startsAt, nearest: this.#nearestShown(lost.startsAt) };
    }
    if (this.selected && !this.busy && !this.slots.some((s) => s.startsAt === this.selected!.startsAt)) this.#markLost(this.selected.startsAt, null);
  }
}
