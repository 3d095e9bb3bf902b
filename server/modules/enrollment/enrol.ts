import { sql } from 'drizzle-orm';
import { actorUserId, type Actor } from '../../auth/permissions.ts';
import type { Executor } from '../../db/client.ts';
import { AppError, pgErrorCode, pgErrors } from '../../errors.ts';
import { domainEvent, type DomainEvent } from '../../realtime/events.ts';
import { loadCourseItems } from '../courses/access.ts';
import type { EnrollmentDto, EnrolOutcome } from './dto.ts';
import { lockCourseProgress, updateProgress } from './progress.ts';
import { loadEnrollment, loadEnrollments } from './queries.ts';
import { enrollments } from './schema.ts';

export type EnrollmentSource = EnrollmentDto['source'];

export interface EnrolManyResult {
  /** One per distinct requested user, in request order. */
  results: { userId: string; outcome: EnrolOutcome; enrollmentId?: string }[];
  counts: Record<EnrolOutcome, number>;
  /** `enrollment.updated` for every enrollment created or reactivated: relay them after commit. */
  events: DomainEvent[];
}

/**
 * Enrols many users in one course with one `INSERT … SELECT … ON CONFLICT`: new members get a
 * row, removed ones are reactivated (same row, completions kept, progress recomputed), active
 * ones are left as they are; ids that are no user come back as `unknown_user`. Safe under
 * concurrency: the unique index on (user, course) decides, never a prior read.
 *
 * Does not check permissions or the course's status: the calling service has authorized its own
 * action (staff enrolment, cohort membership, onboarding, assignment). Call it inside a transaction.
 * @example const { counts, events } = await enrolMany(tx, { actor, userIds, courseId, source: 'cohort', now });
 */
export async function enrolMany(
  tx: Executor,
  input: { actor: Actor; userIds: readonly string[]; courseId: string; source: EnrollmentSource; now: Date },
): Promise<EnrolManyResult> {
  const { results, counts, changed } = await upsertEnrollments(tx, input);
  return { results, counts, events: changed.map((enrollment) => domainEvent('enrollment.updated', enrollment)) };
}

async function upsertEnrollments(
  tx: Executor,
  input: { actor: Actor; userIds: readonly string[]; courseId: string; source: EnrollmentSource; now: Date },
): Promise<Omit<EnrolManyResult, 'events'> & { changed: EnrollmentDto[] }> {
  const requested = [...new Set(input.userIds)];
  const counts: Record<EnrolOutcome, number> = { enrolled: 0, already_enrolled: 0, reactivated: 0, unknown_user: 0 };
  if (!requested.length) return { results: [], counts, changed: [] };
  const valid = requested.filter(isUuid);
  const now = input.now.toISOString();

  await lockCourseProgress(tx, input.courseId, 'shared');
  let upserted: { id: string; user_id: string; created: boolean }[];
  try {
    upserted = Array.from(
      await tx.execute<{ id: string; user_id: string; created: boolean }>(sql`
        insert into ${enrollments} (user_id, course_id, source, enrolled_by, enrolled_at, updated_at)
        select u.id, ${input.courseId}, ${input.source}::enrollment_source, ${actorUserId(input.actor)}::uuid, ${now}::timestamptz, ${now}::timestamptz
        from users u where u.id = any(${sql.param(valid)}::uuid[])
        order by u.id
        on conflict (user_id, course_id) do update set
          status = 'active', removed_at = null, source = excluded.source, enrolled_by = excluded.enrolled_by, updated_at = excluded.updated_at
          where ${enrollments}.status = 'removed'
        returning id, user_id, (xmax = 0) as created`),
    );
  } catch (error) {
    if (pgErrorCode(error) === pgErrors.foreignKeyViolation) throw new AppError('not_found', 'No such course.');
    throw error;
  }

  const byUser = new Map<string, { outcome: EnrolOutcome; enrollmentId: string }>();
  for (const row of upserted) byUser.set(row.user_id, { outcome: row.created ? 'enrolled' : 'reactivated', enrollmentId: row.id });
  if (byUser.size < valid.length) {
    // Rows left as they were (already active), read in a new statement so rows committed by a
    // concurrent enrolment while we waited on the unique index are visible.
    const existing = await tx.execute<{ id: string; user_id: string }>(sql`
      select id, user_id from ${enrollments}
      where course_id = ${input.courseId} and user_id = any(${sql.param(valid.filter((id) => !byUser.has(id)))}::uuid[])`);
    for (const row of existing) byUser.set(row.user_id, { outcome: 'already_enrolled', enrollmentId: row.id });
  }

  const reactivated = upserted.filter((row) => !row.created).map((row) => row.id);
  if (reactivated.length) {
    // Lessons may have come and gone while the learner was away.
    const items = await loadCourseItems(tx, input.courseId);
    await updateProgress(tx, { courseId: input.courseId, items, enrollmentIds: reactivated, now: input.now });
  }

  const results = requested.map((userId) => {
    const found = byUser.get(userId);
    const result = found ? { userId, ...found } : { userId, outcome: 'unknown_user' as const };
    counts[result.outcome]++;
    return result;
  });
  return { results, counts, changed: await loadEnrollments(tx, upserted.map((row) => row.id)) };
}

export interface EnrolResult {
  enrollment: EnrollmentDto;
  /** A new row; false when the learner was already enrolled or came back. */
  created: boolean;
  /** A removed enrollment made active again. */
  reactivated: boolean;
  events: DomainEvent[];
}

/**
 * Enrols one user in one course, or returns their enrollment when they already have one
 * (reactivating it when it was removed). 404 when the user or course does not exist. Like
 * `enrolMany`, it leaves permission checks to the calling service. Call it inside a transaction.
 * @example const { enrollment, created, events } = await enrol(tx, { actor, userId, courseId, source: 'onboarding', now });
 */
export async function enrol(
  tx: Executor,
  input: { actor: Actor; userId: string; courseId: string; source: EnrollmentSource; now: Date },
): Promise<EnrolResult> {
  const { results, changed } = await upsertEnrollments(tx, { ...input, userIds: [input.userId] });
  const [result] = results;
  if (!result?.enrollmentId) throw new AppError('not_found', 'No such user.');
  return {
    enrollment: changed.find((e) => e.id === result.enrollmentId) ?? (await loadEnrollment(tx, result.enrollmentId)),
    created: result.outcome === 'enrolled',
    reactivated: result.outcome === 'reactivated',
    events: changed.map((enrollment) => domainEvent('enrollment.updated', enrollment)),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function isUuid(value: string): boolean {
  return UUID.test(value);
}
