import { and, eq, gte, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Actor } from '../../auth/permissions.ts';
import type { Database } from '../../db/client.ts';
import { defineJob } from '../../jobs/define.ts';
import type { Logger } from '../../logger.ts';
import type { Mailer } from '../../mail/mailer.ts';
import type { DomainEvent } from '../../realtime/events.ts';
import type { Relay } from '../../realtime/relay.ts';
import { recordAudit } from '../system/audit.ts';
import { cancellationEvents } from './bookings.ts';
import { requestNoticeSchema, sendRequestNotice } from './jobs.ts';
import { noticeFor } from './notices.ts';
import { loadRequest } from './requests.ts';
import { certificateRequests } from './schema.ts';

export const STALE_CANCEL_REASON = 'Evaluation period ended';
const DAY_MS = 86_400_000;
/** Requests the sweep cancelled this recently are told again (a no-op once told): a run that died after its commit loses no message. */
const RETELL_WINDOW_MS = DAY_MS;
const system: Actor = { kind: 'system', reason: 'evaluation period ended' };

export interface StaleSweepResult {
  /** Requests this run cancelled. */
  cancelled: string[];
}

/**
 * Cancels the pending requests whose evaluation period has ended: the learner's evaluation end
 * date for the course is over, read as the booking window reads it (the latest end, at the end of
 * that day in its cohort's zone, over the learner's cohorts taking the course; a cohort without an
 * end date, or no cohort at all, sets none). One UPDATE … RETURNING picks and cancels, so two
 * sweeps at once cancel each request once (the second waits on the row, then finds it cancelled).
 * SEQUENCE raised, audit, the same events as a staff cancel; then the learner and the evaluator
 * get the cancellation with its .ics (METHOD CANCEL), deduplicated per request, sequence, recipient.
 */
export async function runStaleSweep(deps: { db: Database; mailer: Mailer; relay?: Relay; log?: Logger; now: Date }): Promise<StaleSweepResult> {
  const { db, now } = deps;
  const at = sql`${now.toISOString()}::timestamptz`;
  const { cancelled, events } = await db.transaction(async (tx) => {
    const rows = await tx.execute<{ id: string }>(sql`
      update ${certificateRequests} r
      set status = 'cancelled', cancelled_at = ${at}, cancelled_by = null, cancel_reason = ${STALE_CANCEL_REASON},
          ics_sequence = r.ics_sequence + 1, updated_at = ${at}
      where r.status = 'pending'
        and exists (
          select 1 from cohort_members m join cohort_courses cc on cc.cohort_id = m.cohort_id and cc.course_id = r.course_id
          where m.user_id = r.member_id)
        and not exists (
          select 1 from cohort_members m
          join cohort_courses cc on cc.cohort_id = m.cohort_id and cc.course_id = r.course_id
          join cohorts c on c.id = m.cohort_id
          where m.user_id = r.member_id
            and (c.evaluation_ends_on is null or ((c.evaluation_ends_on + 1)::timestamp at time zone c.timezone) > ${at}))
      returning r.id`);
    const ids = Array.from(rows, (row) => row.id).sort();
    const events: DomainEvent[] = [];
    for (const id of ids) {
      await recordAudit(tx, { actor: system, action: 'certificate_request_cancelled', subjectType: 'certificate_request', subjectId: id, details: { reason: STALE_CANCEL_REASON, automatic: true } });
      events.push(...(await cancellationEvents(tx, await loadRequest(tx, id))));
    }
    return { cancelled: ids, events };
  });
  deps.relay?.publish(events);
  if (cancelled.length) deps.log?.info('stale certificate requests cancelled', { count: cancelled.length });

  // Tell everyone this sweep cancelled lately; the dedupe keys make the already told a no-op.
  const toTell = await db
    .select({ id: certificateRequests.id })
    .from(certificateRequests)
    .where(
      and(
        eq(certificateRequests.status, 'cancelled'),
        isNull(certificateRequests.cancelledBy),
        eq(certificateRequests.cancelReason, STALE_CANCEL_REASON),
        gte(certificateRequests.cancelledAt, new Date(now.getTime() - RETELL_WINDOW_MS)),
      ),
    );
  for (const { id } of toTell) {
    const notice = requestNoticeSchema.parse(await noticeFor(db, { request: await loadRequest(db, id), change: 'cancelled', baseUrl: null }));
    await sendRequestNotice(deps.mailer, notice);
  }
  return { cancelled };
}

/**
 * Hourly: cancels pending requests whose evaluation period has ended, and tells learner and
 * evaluator. Hourly because end dates are in each cohort's zone; every run is idempotent.
 */
export const cancelStaleRequestsJob = defineJob({
  name: 'scheduling.cancel-stale',
  schema: z.object({}),
  cron: { expression: '15 * * * *' },
  expireInSeconds: 30 * 60,
  handler: async (_payload, { db, mailer, relay, log, now }) => {
    await runStaleSweep({ db, mailer, relay, log, now: now() });
  },
});
