import { and, asc, desc, eq, gte, lt, ne, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { Temporal } from 'temporal-polyfill';
import { authorize, requireUser, type Actor } from '../../auth/permissions.ts';
import type { Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { iso } from '../../http.ts';
import { courses } from '../courses/schema.ts';
import { loadUser } from '../users/queries.ts';
import { users } from '../users/schema.ts';
import type { CertificateRequestDto, CertificateRequestListDto } from './dto.ts';
import { certificateRequests, evaluatorSettings } from './schema.ts';

const evaluator = alias(users, 'evaluator');
const MAX_LISTED = 500;

/** Requests as DTOs: with the course title, the learner's and evaluator's names, the evaluator's zone. */
async function selectRequests(db: Executor, where: SQL | undefined, order: SQL[], limit = MAX_LISTED): Promise<CertificateRequestDto[]> {
  const rows = await db
    .select({ request: certificateRequests, courseTitle: courses.title, memberName: users.name, evaluatorName: evaluator.name, evaluatorUserZone: evaluator.timezone, evaluatorZone: evaluatorSettings.timezone })
    .from(certificateRequests)
    .innerJoin(courses, eq(courses.id, certificateRequests.courseId))
    .innerJoin(users, eq(users.id, certificateRequests.memberId))
    .innerJoin(evaluator, eq(evaluator.id, certificateRequests.evaluatorId))
    .leftJoin(evaluatorSettings, eq(evaluatorSettings.evaluatorId, certificateRequests.evaluatorId))
    .where(where)
    .orderBy(...order)
    .limit(limit);
  return rows.map(({ request: r, ...names }) => ({
    id: r.id,
    courseId: r.courseId,
    courseTitle: names.courseTitle,
    cohortId: r.cohortId,
    memberId: r.memberId,
    memberName: names.memberName,
    evaluatorId: r.evaluatorId,
    evaluatorName: names.evaluatorName,
    evaluatorTimezone: names.evaluatorZone ?? names.evaluatorUserZone ?? 'UTC',
    startsAt: iso(r.startsAt),
    endsAt: iso(r.endsAt),
    status: r.status,
    learnerTimezone: r.learnerTimezone,
    meetingLink: r.meetingLink,
    outcome: r.outcome,
    sequence: r.icsSequence,
    cancelledAt: iso(r.cancelledAt),
    cancelledBy: r.cancelledBy,
    cancelReason: r.cancelReason,
    rubricScores: r.rubricScores ?? null,
    notes: r.notes,
    completedAt: iso(r.completedAt),
    completedBy: r.completedBy,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  }));
}

export async function loadRequest(db: Executor, requestId: string): Promise<CertificateRequestDto> {
  const [request] = await selectRequests(db, eq(certificateRequests.id, requestId), [], 1);
  if (!request) throw new AppError('not_found', 'No such certificate request.');
  return request;
}

/** The permission subject of a request: about its learner, run by its evaluator. */
export function requestSubject(request: { memberId: string; evaluatorId: string }) {
  return { userId: request.memberId, ownerIds: [request.evaluatorId] };
}

/** One request, for its learner, its evaluator and staff. */
export async function getRequest(db: Executor, input: { actor: Actor; requestId: string }): Promise<CertificateRequestDto> {
  const request = await loadRequest(db, input.requestId);
  authorize(input.actor, 'certificateRequests.view', requestSubject(request));
  return request;
}

/** The signed-in learner's requests, latest evaluation first. */
export async function listMyRequests(db: Executor, input: { actor: Actor }): Promise<CertificateRequestListDto> {
  const { userId } = requireUser(input.actor);
  return { requests: await selectRequests(db, eq(certificateRequests.memberId, userId), [desc(certificateRequests.startsAt)]) };
}

/**
 * An evaluator's requests: `today` (their local day, any status but cancelled), `upcoming`
 * (starting after now, not cancelled, soonest first) or `past` (started before now, any status,
 * latest first).
 */
export async function listEvaluatorRequests(
  db: Executor,
  input: { actor: Actor; evaluatorId: string; range: 'today' | 'upcoming' | 'past'; now: Date },
): Promise<CertificateRequestListDto> {
  authorize(input.actor, 'evaluatorRequests.view', { userId: input.evaluatorId });
  const mine = eq(certificateRequests.evaluatorId, input.evaluatorId);
  const live = ne(certificateRequests.status, 'cancelled');
  if (input.range === 'upcoming') {
    return { requests: await selectRequests(db, and(mine, live, gte(certificateRequests.startsAt, input.now)), [asc(certificateRequests.startsAt)]) };
  }
  if (input.range === 'past') {
    return { requests: await selectRequests(db, and(mine, lt(certificateRequests.startsAt, input.now)), [desc(certificateRequests.startsAt)]) };
  }
  const timeZone = await evaluatorTimezone(db, input.evaluatorId);
  const today = Temporal.Instant.fromEpochMilliseconds(input.now.getTime()).toZonedDateTimeISO(timeZone).toPlainDate();
  const dayStart = new Date(today.toZonedDateTime(timeZone).epochMilliseconds);
  const dayEnd = new Date(today.add({ days: 1 }).toZonedDateTime(timeZone).epochMilliseconds);
  return { requests: await selectRequests(db, and(mine, live, gte(certificateRequests.startsAt, dayStart), lt(certificateRequests.startsAt, dayEnd)), [asc(certificateRequests.startsAt)]) };
}

/** The zone an evaluator's hours are meant in: their scheduling settings, else their profile, else UTC. */
export async function evaluatorTimezone(db: Executor, evaluatorId: string): Promise<string> {
  const [settings] = await db.select({ timezone: evaluatorSettings.timezone }).from(evaluatorSettings).where(eq(evaluatorSettings.evaluatorId, evaluatorId));
  return settings?.timezone ?? (await loadUser(db, evaluatorId))?.timezone ?? 'UTC';
}
