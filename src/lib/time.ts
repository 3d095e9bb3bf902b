// Instants travel as ISO strings (UTC); people read them in their own timezone. The viewer's
// zone is the one on their profile, else the browser's, and every rendered time names it so a
// time is never ambiguous when people in different zones talk about the same booking.

/** The browser's IANA zone, e.g. "Europe/Paris"; "UTC" if the runtime cannot tell. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** True when the runtime knows this IANA zone name. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone to show times in: the profile's when it is set and known, else the browser's.
 * @example viewerTimeZone(user.timezone) // "America/New_York"
 */
export function viewerTimeZone(profileZone: string | null | undefined): string {
  return profileZone && isValidTimeZone(profileZone) ? profileZone : browserTimeZone();
}

/** Every IANA zone the browser knows, for pickers. */
export function supportedTimeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: 'timeZone') => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? [];
  // Some engines leave UTC out of the list although it is always valid.
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

export type InstantStyle = 'datetime' | 'date' | 'time';

const styleOptions: Record<InstantStyle, Intl.DateTimeFormatOptions> = {
  datetime: { dateStyle: 'medium', timeStyle: 'short' },
  date: { dateStyle: 'medium' },
  time: { timeStyle: 'short' },
};

function toDate(instant: string | Date): Date {
  return instant instanceof Date ? instant : new Date(instant);
}

/**
 * Formats an instant in `timeZone`, naming the zone for times.
 * @example formatInstant('2025-03-30T08:00:00Z', 'Europe/Paris') // "30 Mar 2025, 10:00 CEST"
 */
export function formatInstant(instant: string | Date, timeZone: string, style: InstantStyle = 'datetime'): string {
  const date = toDate(instant);
  if (Number.isNaN(date.getTime())) return '';
  const base = styleOptions[style];
  if (style === 'date') return new Intl.DateTimeFormat(undefined, { ...base, timeZone }).format(date);
  // dateStyle/timeStyle cannot be combined with timeZoneName, so spell the parts out.
  const options: Intl.DateTimeFormatOptions = {
    ...(style === 'datetime' ? { year: 'numeric', month: 'short', day: 'numeric' } : {}),
    hour: 'numeric',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  };
  return new Intl.DateTimeFormat(undefined, options).format(date);
}

/** The zone's UTC offset at `at`, e.g. "GMT+2". */
export function zoneOffset(timeZone: string, at: Date = new Date()): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'shortOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? '';
}

/**
 * A zone as people read it: its name and current offset.
 * @example zoneLabel('Asia/Kolkata') // "Asia/Kolkata (GMT+5:30)"
 */
export function zoneLabel(timeZone: string, at: Date = new Date()): string {
  const offset = zoneOffset(timeZone, at);
  return offset ? `${timeZone.replaceAll('_', ' ')} (${offset})` : timeZone.replaceAll('_', ' ');
}

const relativeUnits: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/**
 * How long ago (or until) an instant is, in words.
 * @example formatRelative('2025-01-01T10:00:00Z', new Date('2025-01-01T10:05:00Z')) // "5 minutes ago"
 */
export function formatRelative(instant: string | Date, now: Date = new Date()): string {
  const seconds = Math.round((toDate(instant).getTime() - now.getTime()) / 1000);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of relativeUnits) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

/**
 * A calendar date (`YYYY-MM-DD`, no time and no zone: a cohort's start, a due date) as people
 * read it. It is the same day for every viewer, so it is formatted as is, never shifted by a zone.
 * @example formatCalendarDate('2026-10-01') // "Oct 1, 2026"
 */
export function formatCalendarDate(date: string): string {
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime())) return date;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(parsed);
}
