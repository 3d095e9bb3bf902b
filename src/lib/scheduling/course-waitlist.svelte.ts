import type { MyWaitlistDto, WaitlistEntryDto } from '$server/modules/scheduling/dto.ts';
import { ApiError, getMyWaitlistEntry, joinWaitlist, leaveWaitlist } from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';

/**
 * The signed-in learner's place on a course's waitlist: join when no slot is free, leave, and
 * hear `waitlist.slotsAvailable` when a slot opens (the first to book it wins).
 */
export class CourseWaitlist {
  readonly courseId: string;
  readonly mine = new Snapshot<MyWaitlistDto>((signal) => getMyWaitlistEntry(this.courseId, signal));
  busy = $state(false);
  /** Set when a slot opened for this course since the page loaded: the page invites the learner to book. */
  opened = $state<WaitlistEntryDto | null>(null);
  /** Why joining was refused (a slot is free after all, a request exists). */
  refusal = $state<ApiError | null>(null);

  entry = $derived(this.mine.value?.entry ?? null);

  constructor(courseId: string) {
    this.courseId = courseId;
  }

  load(): Promise<void> {
    return this.mine.load();
  }

  async join(): Promise<WaitlistEntryDto | null> {
    if (this.busy) return null;
    this.busy = true;
    this.refusal = null;
    try {
      const entry = await joinWaitlist(this.courseId);
      this.mine.value = { entry };
      return entry;
    } catch (error) {
      if (error instanceof ApiError && ['slots_available', 'request_exists', 'not_eligible'].includes(error.code)) {
        this.refusal = error;
        return null;
      }
      throw error;
    } finally {
      this.busy = false;
    }
  }

  async leave(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await leaveWaitlist(this.courseId);
      this.mine.value = { entry: null };
      this.opened = null;
    } finally {
      this.busy = false;
    }
  }

  /** A slot opened for a course this learner waits for. */
  applySlotsAvailable(entry: WaitlistEntryDto): boolean {
    if (entry.courseId !== this.courseId) return false;
    this.mine.value = { entry };
    this.opened = entry;
    return true;
  }

  /** The learner booked: the server took them off the list in the same step. */
  booked(): void {
    this.mine.value = { entry: null };
    this.opened = null;
  }
}
