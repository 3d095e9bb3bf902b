// Calendar arithmetic on plain `YYYY-MM-DD` days. A day is a name, not an instant, so the
// arithmetic runs in UTC where every day has 24 hours; which instants a day covers is decided
// elsewhere, in the zone it belongs to.

const MS_PER_DAY = 86_400_000;

const parse = (day: string) => Date.parse(`${day}T00:00:00Z`);
const print = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** @example addDays('2026-03-28', 2) // "2026-03-30" */
export function addDays(day: string, days: number): string {
  return print(parse(day) + days * MS_PER_DAY);
}

/** ISO weekday, 1 = Monday … 7 = Sunday. @example isoWeekday('2026-11-23') // 1 */
export function isoWeekday(day: string): number {
  return ((new Date(parse(day)).getUTCDay() + 6) % 7) + 1;
}

/** The Monday starting the week of `day`. @example mondayOf('2026-11-26') // "2026-11-23" */
export function mondayOf(day: string): string {
  return addDays(day, 1 - isoWeekday(day));
}

/** The seven days from `monday`. */
export function weekOf(monday: string): string[] {
  return Array.from({ length: 7 }, (_, index) => addDays(monday, index));
}

/** Minutes since midnight of an "HH:MM" wall time ("24:00" is 1440). */
export function minutesOf(wallTime: string): number {
  const [hours, minutes] = wallTime.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

export const weekdayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
