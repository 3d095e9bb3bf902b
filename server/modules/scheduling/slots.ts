import { Temporal } from 'temporal-polyfill';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;

/** One weekly range as minutes of the day, wall-clock in the evaluator's zone; `endMinute` may be 1440 (midnight). */
export interface WeeklyRange {
  weekday: number;
  startMinute: number;
  endMinute: number;
}

/** A half-open span of time [startsAt, endsAt), in epoch milliseconds. */
export interface Span {
  startsAt: number;
  endsAt: number;
}

/** What slot generation needs to know about one evaluator. */
export interface EvaluatorSchedule {
  timezone: string;
  bufferMinutes: number;
  weekly: readonly WeeklyRange[];
  /** Whole local days off, both ends included (ISO dates). */
  unavailable: readonly { startsOn: string; endsOn: string }[];
}

/** "09:30" → 570; "24:00" → 1440. */
export function minuteOfDay(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

/** 570 → "09:30"; 1440 → "24:00". */
export function formatMinute(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/**
 * The instant a wall-clock time of `day` in `timeZone` stands for, as the `edge` of a range.
 * Temporal settles the DST cases: a time that happens twice (autumn) is taken at its first
 * occurrence for a start and its second for an end, so the range covers every minute labelled
 * inside it; a time skipped by a spring-forward gap never shows on the wall clock, so the range
 * edge is the jump itself (02:30 in Berlin's gap → 03:00 CEST). 24:00 is the next day's start.
 */
export function wallClockInstant(day: Temporal.PlainDate, minute: number, timeZone: string, edge: 'start' | 'end'): number {
  const key = `${timeZone}|${day.toString()}|${minute}|${edge}`;
  let instant = instants.get(key);
  if (instant === undefined) {
    if (instants.size >= INSTANT_CACHE_SIZE) instants.clear();
    instant = computeWallClockInstant(day, minute, timeZone, edge);
    instants.set(key, instant);
  }
  return instant;
}

/**
 * Wall-clock → instant answers, kept: the same few local times of the same days are asked for by
 * every slot board and every booking, and time zone rules do not change while the process runs.
 * Emptied when full, so it never grows without bound.
 */
const instants = new Map<string, number>();
const INSTANT_CACHE_SIZE = 200_000;

function computeWallClockInstant(day: Temporal.PlainDate, minute: number, timeZone: string, edge: 'start' | 'end'): number {
  if (minute >= DAY_MINUTES) return day.add({ days: 1 }).toZonedDateTime(timeZone).epochMilliseconds;
  const wall = day.toPlainDateTime({ hour: Math.floor(minute / 60), minute: minute % 60 });
  const earlier = wall.toZonedDateTime(timeZone, { disambiguation: 'earlier' });
  const later = wall.toZonedDateTime(timeZone, { disambiguation: 'later' });
  if (Temporal.PlainDateTime.compare(later.toPlainDateTime(), wall) === 0) {
    return edge === 'start' ? earlier.epochMilliseconds : later.epochMilliseconds;
  }
  return later.getTimeZoneTransition('previous')!.epochMilliseconds;
}

/** The local date of an instant in `timeZone`. */
export function localDate(epochMs: number, timeZone: string): Temporal.PlainDate {
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone).toPlainDate();
}

/** Unavailable days as spans of real time: from the first day's start to the start of the day after the last. */
export function unavailableSpans(schedule: EvaluatorSchedule): Span[] {
  return schedule.unavailable.map((range) => ({
    startsAt: wallClockInstant(Temporal.PlainDate.from(range.startsOn), 0, schedule.timezone, 'start'),
    endsAt: wallClockInstant(Temporal.PlainDate.from(range.endsOn), DAY_MINUTES, schedule.timezone, 'end'),
  }));
}

/** Does [slot) come within `bufferMinutes` of a booking, or touch a blocked span? */
export function isBlocked(slot: Span, bookings: readonly Span[], bufferMinutes: number, blocked: readonly Span[] = []): boolean {
  const buffer = bufferMinutes * MINUTE_MS;
  return (
    bookings.some((b) => b.startsAt - buffer < slot.endsAt && slot.startsAt < b.endsAt + buffer) ||
    blocked.some((b) => b.startsAt < slot.endsAt && slot.startsAt < b.endsAt)
  );
}

/**
 * An evaluator's free slots of `slotMinutes` that start at or after `from` and end by `to`:
 * each weekly range of each local day, cut into slots with `bufferMinutes` between them, minus
 * unavailable days and `bookings` (kept `bufferMinutes` apart). Slots step through real time
 * from the range's start, so a range spanning a DST change holds the slots that really fit
 * (two hours of 01:00–04:00 on a spring-forward day, four on an autumn one), and a 09:00–12:00
 * range stays 09:00–12:00 local whatever the offset. Sorted by start.
 * @example scheduleSlots({ schedule, slotMinutes: 30, bookings: [], from, to })
 */
export function scheduleSlots(input: { schedule: EvaluatorSchedule; slotMinutes: number; bookings: readonly Span[]; from: number; to: number }): Span[] {
  const { schedule, from, to } = input;
  if (to <= from || !schedule.weekly.length) return [];
  const length = input.slotMinutes * MINUTE_MS;
  const step = (input.slotMinutes + schedule.bufferMinutes) * MINUTE_MS;
  const blocked = unavailableSpans(schedule);
  const slots: Span[] = [];
  // From the day before: a late range of the previous local day can still reach past `from`.
  const last = localDate(to, schedule.timezone);
  for (let day = localDate(from, schedule.timezone).subtract({ days: 1 }); Temporal.PlainDate.compare(day, last) <= 0; day = day.add({ days: 1 })) {
    for (const range of schedule.weekly) {
      if (range.weekday !== day.dayOfWeek) continue;
      const rangeEnd = wallClockInstant(day, range.endMinute, schedule.timezone, 'end');
      for (let start = wallClockInstant(day, range.startMinute, schedule.timezone, 'start'); start + length <= rangeEnd; start += step) {
        const slot = { startsAt: start, endsAt: start + length };
        if (slot.startsAt < from || slot.endsAt > to) continue;
        if (!isBlocked(slot, input.bookings, schedule.bufferMinutes, blocked)) slots.push(slot);
      }
    }
  }
  return slots.sort((a, b) => a.startsAt - b.startsAt);
}

/** Pairs of weekly ranges that overlap on the same weekday, for an error message. */
export function overlappingRanges(ranges: readonly WeeklyRange[]): [WeeklyRange, WeeklyRange][] {
  const pairs: [WeeklyRange, WeeklyRange][] = [];
  ranges.forEach((a, i) =>
    ranges.slice(i + 1).forEach((b) => {
      if (a.weekday === b.weekday && a.startMinute < b.endMinute && b.startMinute < a.endMinute) pairs.push([a, b]);
    }),
  );
  return pairs;
}
