import { createEvent } from 'ics';

export interface CalendarPerson {
  name: string;
  email: string;
}

/** The UID of a request's calendar event: the same for its whole life, so calendars update one entry. */
export function requestUid(requestId: string): string {
  return `certificate-request-${requestId}@learning-platform`;
}

/**
 * The .ics invitation for a certificate request: METHOD:REQUEST while it stands (a booking or a
 * reschedule, with a higher SEQUENCE each time), METHOD:CANCEL once cancelled. The evaluator
 * organises, the learner attends; times are UTC.
 * @example requestCalendar({ requestId, sequence: 1, method: 'REQUEST', title, startsAt, endsAt, organizer, attendee })
 */
export function requestCalendar(input: {
  requestId: string;
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  meetingLink: string | null;
  organizer: CalendarPerson;
  attendee: CalendarPerson;
}): string {
  const { error, value } = createEvent({
    productId: 'learning-platform/scheduling',
    method: input.method,
    uid: requestUid(input.requestId),
    sequence: input.sequence,
    status: input.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED',
    title: input.title,
    description: input.description,
    start: input.startsAt.getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: input.endsAt.getTime(),
    endInputType: 'utc',
    endOutputType: 'utc',
    ...(input.meetingLink ? { location: input.meetingLink, url: input.meetingLink } : {}),
    organizer: { name: input.organizer.name, email: input.organizer.email },
    attendees: [{ name: input.attendee.name, email: input.attendee.email, rsvp: input.method === 'REQUEST', partstat: 'NEEDS-ACTION', role: 'REQ-PARTICIPANT' }],
  });
  if (error || !value) throw error ?? new Error('ics produced no calendar');
  return value;
}
