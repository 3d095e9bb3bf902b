import { and, count, desc, eq, ilike, or, type SQL } from 'drizzle-orm';
import { authorize, requireUser, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { domainEvent } from '../../realtime/events.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { loadCourseAccess, type CourseAccess } from '../courses/access.ts';
import { loadCourses } from '../courses/queries.ts';
import { users } from '../users/schema.ts';
import { recordAudit } from '../system/audit.ts';
import type { EnrollmentDto, EnrollmentListDto, MyEnrollmentsDto, StaffEnrolResultDto } from './dto.ts';
import { enrol, enrolMany } from './enrol.ts';
import { loadEnrollment, loadEnrollments, selectEnrollments, toEnrollmentDto as toDto } from './queries.ts';
import { enrollments } from './schema.ts';

/**
 * A learner enrols themself: the course must be published and open to self-learning. A second
 * attempt (or twenty at once) returns the same enrollment with `created: false`; a removed one
 * comes back with its history.
 */
export async function selfEnrol(db: Database, input: { actor: Actor; courseId: string; now: Date }): Promise<Outcome<{ enrollment: EnrollmentDto; created: boolean }>> {
  const actor = requireUser(authorize(input.actor, 'learning.participate'));
  return db.transaction(async (tx) => {
    const course = await loadCourseAccess(tx, input.courseId);
    const closed = course.status !== 'published'
      ? new AppError('course_not_published', 'This course is not published yet.')
      : course.disableSelfLearning
        ? new AppError('self_enrollment_disabled', 'This course is open by invitation only: ask a moderator to enrol you.')
        : null;
    if (closed) {
      // Someone already enrolled (by staff, a cohort…) simply gets their enrollment back.
      const [existing] = await tx
        .select({ id: enrollments.id })
        .from(enrollments)
        .where(and(eq(enrollments.userId, actor.userId), eq(enrollments.courseId, course.id), eq(enrollments.status, 'active')));
      if (!existing) throw closed;
      return outcome({ enrollment: await loadEnrollment(tx, existing.id), created: false });
    }
    const result = await enrol(tx, { actor, userId: actor.userId, courseId: course.id, source: 'self', now: input.now });
    return outcome({ enrollment: result.enrollment, created: result.created }, result.events);
  });
}

/** Staff enrol chosen learners, one or many, with a result per learner. */
export async function staffEnrol(db: Database, input: { actor: Actor; courseId: string; userIds: string[]; now: Date }): Promise<Outcome<StaffEnrolResultDto>> {
  authorize(input.actor, 'enrollments.manage');
  return db.transaction(async (tx) => {
    const course = await requireEnrollableCourse(tx, input.courseId);
    const { results, counts, events } = await enrolMany(tx, { actor: input.actor, userIds: input.userIds, courseId: course.id, source: 'staff', now: input.now });
    const dtos = new Map((await loadEnrollments(tx, results.flatMap((r) => (r.enrollmentId ? [r.enrollmentId] : [])))).map((e) => [e.id, e]));
    await recordAudit(tx, { actor: input.actor, action: 'enrollments_added', subjectType: 'course', subjectId: course.id, details: { counts } });
    return outcome(
      { results: results.map((r) => ({ userId: r.userId, outcome: r.outcome, ...(r.enrollmentId ? { enrollment: dtos.get(r.enrollmentId) } : {}) })) },
      events,
    );
  });
}

/** The course, when staff may enrol people in it now (published); else 409 `course_not_published`. */
export async function requireEnrollableCourse(db: Executor, courseId: string): Promise<CourseAccess> {
  const course = await loadCourseAccess(db, courseId);
  if (course.status !== 'published') throw new AppError('course_not_published', 'Publish the course before enrolling learners.');
  return course;
}

/** Staff remove a learner's access: the row stays (status `removed`) with its history, ready to be reactivated. */
export async function removeEnrollment(db: Database, input: { actor: Actor; enrollmentId: string; now: Date }): Promise<Outcome<EnrollmentDto>> {
  authorize(input.actor, 'enrollments.manage');
  return db.transaction(async (tx) => {
    const [removed] = await tx
      .update(enrollments)
      .set({ status: 'removed', removedAt: input.now, updatedAt: input.now })
      .where(and(eq(enrollments.id, input.enrollmentId), eq(enrollments.status, 'active')))
      .returning({ id: enrollments.id, userId: enrollments.userId, courseId: enrollments.courseId });
    const enrollment = await loadEnrollment(tx, input.enrollmentId);
    if (!removed) return outcome(enrollment); // already removed: nothing changed
    await recordAudit(tx, { actor: input.actor, action: 'enrollment_removed', subjectType: 'enrollment', subjectId: removed.id, details: { userId: removed.userId, courseId: removed.courseId } });
    return outcome(enrollment, [domainEvent('enrollment.updated', enrollment)]);
  });
}

/** A course's learners with their progress, for those who run the course and staff. */
export async function listCourseEnrollments(
  db: Executor,
  input: { actor: Actor; courseId: string; status?: 'active' | 'removed'; search?: string; limit: number; offset: number },
): Promise<EnrollmentListDto> {
  const course = await loadCourseAccess(db, input.courseId);
  authorize(input.actor, 'courses.viewProgress', { ownerIds: course.runnerIds });
  const filters: SQL[] = [eq(enrollments.courseId, course.id)];
  if (input.status) filters.push(eq(enrollments.status, input.status));
  if (input.search) {
    const pattern = `%${input.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    filters.push(or(ilike(users.name, pattern), ilike(users.email, pattern))!);
  }
  const where = and(...filters);
  const [{ total }] = await db.select({ total: count() }).from(enrollments).innerJoin(users, eq(users.id, enrollments.userId)).where(where);
  const rows = await selectEnrollments(db).where(where).orderBy(users.name, enrollments.id).limit(input.limit).offset(input.offset);
  return { enrollments: rows.map(toDto), total };
}

/** The signed-in learner's active enrollments with their courses, most recent activity first. */
export async function listMyEnrollments(db: Executor, input: { actor: Actor }): Promise<MyEnrollmentsDto> {
  const actor = requireUser(input.actor);
  authorize(actor, 'enrollments.view', { userId: actor.userId });
  const rows = await selectEnrollments(db)
    .where(and(eq(enrollments.userId, actor.userId), eq(enrollments.status, 'active')))
    .orderBy(desc(enrollments.updatedAt), enrollments.id);
  const mine = rows.map(toDto);
  const courses = new Map((await loadCourses(db, mine.map((e) => e.courseId))).map((c) => [c.id, c]));
  return { items: mine.flatMap((enrollment) => (courses.has(enrollment.courseId) ? [{ enrollment, course: courses.get(enrollment.courseId)! }] : [])) };
}

/** One enrollment, for its learner, those who run its course, and staff. */
export async function getEnrollment(db: Executor, input: { actor: Actor; enrollmentId: string }): Promise<EnrollmentDto> {
  const enrollment = await loadEnrollment(db, input.enrollmentId);
  const course = await loadCourseAccess(db, enrollment.courseId);
  authorize(input.actor, 'enrollments.view', { userId: enrollment.userId, ownerIds: course.runnerIds });
  return enrollment;
}
