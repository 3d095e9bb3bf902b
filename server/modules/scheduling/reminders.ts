import { Temporal } from 'temporal-polyfill';
import { z } from 'zod';
import type { Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { defineJob } from '../../jobs/define.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import type { CertificateRequestDto } from './dto.ts';
import { noticeFor } from './notices.ts';
import { loadRequest } from './requests.ts';

const HOUR_MS = 3_600_000;
/** How long before an evaluation its reminder goes out. */
export const REMINDER_LEAD_MS = 24 * HOUR_MS;

export const requestReminderSchema = z.object({
  requestId: z.uuid(),
  /** The .ics SEQUENCE the request had when the reminder was queued: a reschedule or cancel raises it, making this reminder a no-op. */
  sequence: z.number().int().min(0),
  /** The request's page, for the link in the message. */
  url: z.string().nullable().default(null),
});
export type RequestReminder = z.input<typeof requestReminderSchema>;

/**
 * Queues the 24-hour reminder of a request as it now stands, inside the transaction that booked or
 * moved it: it starts 24 h before the evaluation, or at once when that is already past but the
 * evaluation is still ahead. Nothing is queued for an evaluation that has started.
 */
export async function queueReminder(tx: Executor, input: { jobs: JobQueue; request: CertificateRequestDto; now: Date; baseUrl: string }): Promise<void> {
  const startsAt = Date.parse(input.request.startsAt);
  if (startsAt <= input.now.getTime()) return;
  const remindAt = startsAt - REMINDER_LEAD_MS;
  await input.jobs.send(
    'scheduling.reminder',
    { requestId: input.request.id, sequence: input.request.sequence, url: `${input.baseUrl}/certificate-requests/${input.request.id}` },
    { tx, startAfter: remindAt > input.now.getTime() ? new Date(remindAt) : undefined },
  );
}

/**
 * Reminds the learner and the evaluator of a pending evaluation. Sends only while the request is
 * still pending, at the queued SEQUENCE, and not yet started; each message's dedupe key names the
 * request, the sequence and the recipient, so a retry or a second run sends nothing new.
 */
export const requestReminderJob = defineJob({
  name: 'scheduling.reminder',
  schema: requestReminderSchema,
  retry: { limit: 8, delaySeconds: 30, backoff: true },
  handler: async (payload, { db, mailer, log, now }) => {
    let request: CertificateRequestDto;
    try {
      request = await loadRequest(db, payload.requestId);
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') return;
      throw error;
    }
    const at = now();
    if (request.status !== 'pending' || request.sequence !== payload.sequence || Date.parse(request.startsAt) <= at.getTime()) {
      log.debug('reminder no longer applies', { requestId: request.id, status: request.status, sequence: request.sequence, queuedSequence: payload.sequence });
      return;
    }
    const notice = await noticeFor(db, { request, change: 'booked', baseUrl: null });
    for (const recipient of [notice.learner, notice.evaluator]) {
      const isLearner = recipient.id === notice.learner.id;
      const when = `${relativeDay(at, request.startsAt, recipient.timezone)} at ${formatTime(request.startsAt, recipient.timezone)}`;
      const lines = [
        `Hello ${recipient.name},`,
        '',
        isLearner
          ? `A reminder: your evaluation for "${request.courseTitle}" with ${notice.evaluator.name} is ${when}`
          : `A reminder: you evaluate ${notice.learner.name} for "${request.courseTitle}" ${when}`,
        `  ${formatFull(request.startsAt, recipient.timezone)} until ${formatTime(request.endsAt, recipient.timezone)} (${recipient.timezone})`,
        '',
        request.meetingLink ? `Join at ${request.meetingLink}` : 'The meeting link will follow.',
        ...(payload.url ? ['', `Details: ${payload.url}`] : []),
      ];
      await mailer.send({
        to: recipient.email,
        subject: isLearner
          ? `Reminder: your evaluation for ${request.courseTitle} ${when}`
          : `Reminder: evaluating ${notice.learner.name} for ${request.courseTitle} ${when}`,
        text: lines.join('\n'),
        dedupeKey: `certificate-request-reminder:${request.id}:${request.sequence}:${recipient.id}`,
      });
    }
  },
});

/** "today", "tomorrow" or "on Sunday 28 March 2027": the start's day seen from `now`, both in `timeZone`. */
function relativeDay(now: Date, startsAt: string, timeZone: string): string {
  const day = (ms: number) => Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone).toPlainDate();
  const days = day(now.getTime()).until(day(Date.parse(startsAt)), { largestUnit: 'days' }).days;
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  return `on ${new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeZone }).format(new Date(startsAt))}`;
}

function formatTime(value: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeStyle: 'short', timeZone }).format(new Date(value));
}

function formatFull(value: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone }).format(new Date(value));
}
