import type { AvailabilityDto, UnavailabilityDto, WeeklyRangeDto } from '$server/modules/scheduling/dto.ts';
import { addUnavailability, ApiError, getAvailability, listUnavailability, removeUnavailability, saveAvailability, type UnavailabilityListDto } from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';
import { minutesOf } from '$lib/scheduling/week';

/** One weekly range as edited; `key` keeps Svelte's list stable while times change. */
export interface RangeDraft extends WeeklyRangeDto {
  key: number;
}

export interface AvailabilityDraft {
  timezone: string;
  bufferMinutes: number;
  meetingLink: string;
  weekly: RangeDraft[];
  /** Slot length per course id, as shown (the course default where the evaluator set none). */
  slotMinutes: Record<string, number>;
}

let nextKey = 1;

/** A time input cannot say "24:00": an end of 00:00 means until midnight. */
const endForServer = (end: string) => (end === '00:00' ? '24:00' : end);
const endForInput = (end: string) => (end === '24:00' ? '00:00' : end);

/**
 * An evaluator's availability page: weekly hours, zone, buffer, meeting link and slot lengths
 * as one draft saved together (the server replaces them in one transaction and refuses
 * overlaps), and days off added and removed one at a time.
 */
export class AvailabilityEditor {
  readonly evaluatorId: string;
  readonly availability = new Snapshot<AvailabilityDto>((signal) => getAvailability(this.evaluatorId, signal));
  readonly daysOff = new Snapshot<UnavailabilityListDto>((signal) => listUnavailability(this.evaluatorId, signal));
  draft = $state<AvailabilityDraft | null>(null);
  saving = $state(false);
  saveError = $state<string | null>(null);
  dirty = $state(false);

  constructor(evaluatorId: string) {
    this.evaluatorId = evaluatorId;
  }

  async load(fallbackTimezone: string): Promise<void> {
    await Promise.all([this.availability.load(), this.daysOff.load()]);
    if (this.availability.value && !this.dirty) this.draft = this.#draftOf(this.availability.value, fallbackTimezone);
  }

  addRange(weekday: number): void {
    if (!this.draft) return;
    const sameDay = this.draft.weekly.filter((range) => range.weekday === weekday);
    const lastEnd = sameDay.map((range) => range.end).sort().at(-1);
    // A new range starts where the day's last one ends, so it never overlaps by default.
    const start = lastEnd && lastEnd < '23:00' ? lastEnd : '09:00';
    const end = `${String(Math.min(23, Number(start.slice(0, 2)) + 3)).padStart(2, '0')}:${start.slice(3)}`;
    this.draft.weekly.push({ key: nextKey++, weekday, start, end: end > start ? end : '00:00' });
    this.touch();
  }

  removeRange(key: number): void {
    if (!this.draft) return;
    this.draft.weekly = this.draft.weekly.filter((range) => range.key !== key);
    this.touch();
  }

  touch(): void {
    this.dirty = true;
    this.saveError = null;
  }

  /** Ranges that end before they start, caught before asking the server. */
  invalidRanges = $derived(
    (this.draft?.weekly ?? []).filter((range) => minutesOf(endForServer(range.end)) <= minutesOf(range.start)).map((range) => range.key),
  );

  async save(): Promise<boolean> {
    const draft = this.draft;
    const current = this.availability.value;
    if (!draft || !current || this.saving) return false;
    this.saving = true;
    this.saveError = null;
    try {
      const slotMinutesByCourse: Record<string, number> = {};
      for (const course of current.courses) {
        const minutes = Number(draft.slotMinutes[course.courseId]);
        if (Number.isFinite(minutes) && minutes !== course.defaultSlotMinutes) slotMinutesByCourse[course.courseId] = minutes;
      }
      const saved = await saveAvailability(this.evaluatorId, {
        timezone: draft.timezone,
        bufferMinutes: Number(draft.bufferMinutes) || 0,
        meetingLink: draft.meetingLink.trim() || null,
        weekly: draft.weekly.map(({ weekday, start, end }) => ({ weekday, start, end: endForServer(end) })),
        slotMinutesByCourse,
      });
      this.availability.value = saved;
      this.dirty = false;
      this.draft = this.#draftOf(saved, saved.timezone);
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.code !== 'unauthenticated') {
        this.saveError = error.message;
        return false;
      }
      throw error;
    } finally {
      this.saving = false;
    }
  }

  async addDayOff(range: { startsOn: string; endsOn: string; reason: string }): Promise<UnavailabilityDto> {
    const created = await addUnavailability(this.evaluatorId, range);
    this.daysOff.update((value) => ({ unavailability: [...value.unavailability.filter((r) => r.id !== created.id), created].sort((a, b) => a.startsOn.localeCompare(b.startsOn)) }));
    return created;
  }

  async removeDayOff(rangeId: string): Promise<void> {
    await removeUnavailability(this.evaluatorId, rangeId);
    this.daysOff.update((value) => ({ unavailability: value.unavailability.filter((r) => r.id !== rangeId) }));
  }

  #draftOf(availability: AvailabilityDto, fallbackTimezone: string): AvailabilityDraft {
    return {
      timezone: availability.configured ? availability.timezone : availability.timezone || fallbackTimezone,
      bufferMinutes: availability.bufferMinutes,
      meetingLink: availability.meetingLink ?? '',
      weekly: availability.weekly.map((range) => ({ key: nextKey++, weekday: range.weekday, start: range.start, end: endForInput(range.end) })),
      slotMinutes: Object.fromEntries(availability.courses.map((course) => [course.courseId, course.slotMinutes])),
    };
  }
}
