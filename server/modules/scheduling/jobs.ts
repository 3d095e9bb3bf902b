import { z } from 'zod';
import { defineJob } from '../../jobs/define.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { requestCalendar, type CalendarPerson } from './ics.ts';

const person = z.object({ id: z.uuid(), name: z.string(), email: z.string(), timezone: z.string() });
type Person = z.infer<typeof person>;

/**
 * What a booking, reschedule or cancellation tells the learner and the evaluator: the request as
 * it stood when it changed, so a late or retried job still tells that change, never a later one.
 */
export const requestNoticeSchema = z.object({
  requestId: z.uuid(),
  /** The .ics SEQUENCE of this change. */
  sequence: z.number().int().min(0),
  change: z.enum(['booked', 'rescheduled', 'cancelled']),
  courseTitle: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  previousStartsAt: z.string().nullable().default(null),
  meetingLink: z.string().nullable(),
  reason: z.string().nullable().default(null),
  learner: person,
  evaluator: person,
  /** Set when a reschedule moved the request to another evaluator: they are sent the cancellation. */
  previousEvaluator: person.nullable().default(null),
  /** The request's page; null when the sender knows no public address (the stale-request sweep). */
  url: z.string().nullable(),
});
export type RequestNotice = z.input<typeof requestNoticeSchema>;

/**
 * Mails the learner and the evaluator (and a replaced evaluator) about a change to a certificate
 * request, each with the .ics: stable UID, this change's SEQUENCE, METHOD REQUEST or CANCEL.
 * Idempotent: each message's dedupe key names the request, the sequence and the recipient.
 */
export const requestNoticeJob = defineJob({
  name: 'scheduling.request-notice',
  schema: requestNoticeSchema,
  retry: { limit: 8, delaySeconds: 30, backoff: true },
  handler: async (notice, { mailer }) => sendRequestNotice(mailer, notice),
});

/** The messages of one change, to the learner, the evaluator and a replaced evaluator (what the job does). */
export async function sendRequestNotice(mailer: Mailer, notice: z.infer<typeof requestNoticeSchema>): Promise<void> {
  const method = notice.change === 'cancelled' ? 'CANCEL' : 'REQUEST';
  await sendNotice(mailer, notice, notice.learner, notice.evaluator, method);
  await sendNotice(mailer, notice, notice.evaluator, notice.evaluator, method);
  if (notice.previousEvaluator) await sendNotice(mailer, notice, notice.previousEvaluator, notice.previousEvaluator, 'CANCEL');
}

async function sendNotice(mailer: Mailer, notice: z.infer<typeof requestNoticeSchema>, recipient: Person, organizer: CalendarPerson, method: 'REQUEST' | 'CANCEL'): Promise<void> {
  const isLearner = recipient.id === notice.learner.id;
  const when = formatInstant(notice.startsAt, recipient.timezone);
  const cancelledForThem = method === 'CANCEL' && notice.change !== 'cancelled';
  const subject = cancelledForThem
    ? `Evaluation reassigned: ${notice.courseTitle} on ${when}`
    : { booked: 'Evaluation booked', rescheduled: 'Evaluation moved', cancelled: 'Evaluation cancelled' }[notice.change] + `: ${notice.courseTitle} on ${when}`;
  const lines = [
    `Hello ${recipient.name},`,
    '',
    isLearner ? `Your evaluation for "${notice.courseTitle}" with ${notice.evaluator.name}:` : `The evaluation of ${notice.learner.name} for "${notice.courseTitle}":`,
    `  ${when} (${recipient.timezone}) until ${formatInstant(notice.endsAt, recipient.timezone, 'time')}`,
    ...(notice.previousStartsAt && !cancelledForThem ? [`  moved from ${formatInstant(notice.previousStartsAt, recipient.timezone)}`] : []),
    ...(isLearner && notice.evaluator.timezone !== recipient.timezone ? [`  ${formatInstant(notice.startsAt, notice.evaluator.timezone)} for your evaluator (${notice.evaluator.timezone})`] : []),
    '',
    notice.change === 'cancelled'
      ? `It has been cancelled${notice.reason ? `: ${notice.reason}` : '.'}`
      : cancelledForThem
        ? 'It has moved to another evaluator; you no longer need to attend.'
        : notice.meetingLink
          ? `Join at ${notice.meetingLink}`
          : 'The meeting link will follow.',
    ...(notice.url ? ['', `Details: ${notice.url}`] : []),
  ];
  const calendar = requestCalendar({
    requestId: notice.requestId,
    sequence: notice.sequence,
    method,
    title: `Evaluation: ${notice.courseTitle}`,
    description: `${notice.learner.name} with ${notice.evaluator.name}.${notice.url ? ` ${notice.url}` : ''}`,
    startsAt: new Date(notice.startsAt),
    endsAt: new Date(notice.endsAt),
    meetingLink: notice.meetingLink,
    organizer,
    attendee: { name: notice.learner.name, email: notice.learner.email },
  });
  await mailer.send({
    to: recipient.email,
    subject,
    text: lines.join('\n'),
    icalEvent: { filename: 'evaluation.ics', method, content: calendar },
    dedupeKey: `certificate-request:${notice.requestId}:${notice.sequence}:${recipient.id}`,
  });
}

/** "Sunday 28 March 2027, 09:00" in `timeZone` (or just the time). */
function formatInstant(value: string, timeZone: string, part: 'full' | 'time' = 'full'): string {
  const options: Intl.DateTimeFormatOptions = part === 'time' ? { timeStyle: 'short', timeZone } : { dateStyle: 'full', timeStyle: 'short', timeZone };
  return new Intl.DateTimeFormat('en-GB', options).format(new Date(value));
}
