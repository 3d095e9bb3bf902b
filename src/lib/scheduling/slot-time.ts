// How evaluation times read on screen. A slot is an instant pair in UTC; learners read it in
// their own zone, and the evaluator's wall clock is named beside it, because the two often differ
// (and differ by a different amount either side of a daylight-saving change).
import type { SlotDto } from '$server/modules/scheduling/dto.ts';

const partsCache = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, kind: 'day' | 'time'): Intl.DateTimeFormat {
  const key = `${kind}:${timeZone}`;
  let format = partsCache.get(key);
  if (!format) {
    format =
      kind === 'day'
        ? new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
        : new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    partsCache.set(key, format);
  }
  return format;
}

/**
 * The calendar day of an instant in a zone, as `YYYY-MM-DD`.
 * @example dayKey('2026-03-29T23:30:00Z', 'Europe/Berlin') // "2026-03-30"
 */
export function dayKey(instant: string | Date, timeZone: string): string {
  return formatter(timeZone, 'day').format(typeof instant === 'string' ? new Date(instant) : instant);
}

/**
 * The wall-clock time of an instant in a zone, 24-hour.
 * @example clockTime('2026-03-30T08:00:00Z', 'Europe/Berlin') // "10:00"
 */
export function clockTime(instant: string | Date, timeZone: string): string {
  return formatter(timeZone, 'time').format(typeof instant === 'string' ? new Date(instant) : instant);
}

/**
 * A `YYYY-MM-DD` day as a heading, e.g. "Monday, 30 March". The day is already the viewer's,
 * so it is formatted in UTC and never shifted again.
 */
export function dayHeading(day: string, withYear = false): string {
  const date = new Date(`${day}T12:00:00Z`);
  return new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', ...(withYear ? { year: 'numeric' } : {}), timeZone: 'UTC' }).format(date);
}

/**
 * A zone as a place people name: "Europe/Berlin" → "Berlin", "America/Argentina/Buenos_Aires" → "Buenos Aires".
 */
export function zoneCity(timeZone: string): string {
  return (timeZone.split('/').at(-1) ?? timeZone).replaceAll('_', ' ');
}

/**
 * A slot in the viewer's zone, naming the evaluator's clock when it reads differently.
 * @example slotLabel(slot, 'Europe/London') // "10:00–10:30 (11:00 Berlin time for the evaluator)"
 */
export function slotLabel(slot: Pick<SlotDto, 'startsAt' | 'endsAt' | 'evaluatorTimezone'>, viewerZone: string): { time: string; evaluatorNote: string | null } {
  const time = `${clockTime(slot.startsAt, viewerZone)}–${clockTime(slot.endsAt, viewerZone)}`;
  const evaluatorTime = clockTime(slot.startsAt, slot.evaluatorTimezone);
  const sameClock = evaluatorTime === clockTime(slot.startsAt, viewerZone) && dayKey(slot.startsAt, slot.evaluatorTimezone) === dayKey(slot.startsAt, viewerZone);
  return { time, evaluatorNote: sameClock ? null : `${evaluatorTime} ${zoneCity(slot.evaluatorTimezone)} time for the evaluator` };
}

/** Slots grouped by their day in the viewer's zone, days and slots in time order. */
export function slotsByDay<T extends { startsAt: string }>(slots: readonly T[], timeZone: string): { day: string; slots: T[] }[] {
  const days = new Map<string, T[]>();
  for (const slot of [...slots].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt))) {
    const key = dayKey(slot.startsAt, timeZone);
    const list = days.get(key);
    if (list) list.push(slot);
    else days.set(key, [slot]);
  }
  return [...days].map(([day, daySlots]) => ({ day, slots: daySlots }));
}

/** True when [aStart, aEnd) and [bStart, bEnd) share time. */
export function overlaps(a: { startsAt: string; endsAt: string }, b: { startsAt: string; endsAt: string }): boolean {
  return Date.parse(a.startsAt) < Date.parse(b.endsAt) && Date.parse(b.startsAt) < Date.parse(a.endsAt);
}

/**
 * The short name of a zone at an instant, as the viewer's locale writes it.
 * @example zoneAbbreviation('2026-07-01T10:00:00Z', 'Europe/Berlin') // "CEST" (or "GMT+2")
 */
export function zoneAbbreviation(instant: string | Date, timeZone: string): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  return new Intl.DateTimeFormat(undefined, { timeZone, timeZoneName: 'short' }).formatToParts(date).find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
}
