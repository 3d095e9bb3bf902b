import { and, count, eq, inArray } from 'drizzle-orm';
import { actorUserId, authorize, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError, pgConstraint, pgErrorCode, pgErrors } from '../../errors.ts';
import { domainEvent } from '../../realtime/events.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { recordAudit } from '../system/audit.ts';
import { userRoles } from '../users/schema.ts';
import { loadCourseAccess } from './access.ts';
import type { CourseDto, courseSettingsInput, courseUpdateInput } from './dto.ts';
import { loadCourse } from './queries.ts';
import { courseInstructors, courses, lessons, quizzes } from './schema.ts';
import type { z } from 'zod';

/** Database checks on course settings, in words a course author understands. */
const settingsViolations: Record<string, string> = {
  courses_validity_needs_mandatory: 'A validity period applies to mandatory courses only.',
  courses_evaluation_needs_certification: 'Evaluation can only be required when certification is enabled.',
};

function explainSettingsError(error: unknown): never {
  const constraint = pgConstraint(error);
  if (pgErrorCode(error) === '23514' && constraint && settingsViolations[constraint]) {
    throw new AppError('bad_request', settingsViolations[constraint], { constraint });
  }
  throw error;
}

/** Loads a course and checks that `actor` may edit it (its owner or an instructor, or a moderator). */
export async function requireCourseEditor(db: Executor, actor: Actor, courseId: string) {
  const access = await loadCourseAccess(db, courseId);
  authorize(actor, 'courses.edit', { ownerIds: access.runnerIds });
  return access;
}

/** Marks a course changed and returns its new DTO with the event that carries it. */
export async function courseChanged(tx: Executor, courseId: string, now: Date): Promise<Outcome<CourseDto>> {
  await tx.update(courses).set({ updatedAt: now }).where(eq(courses.id, courseId));
  const course = await loadCourse(tx, courseId);
  return outcome(course, [domainEvent('course.updated', course)]);
}

export async function createCourse(
  db: Database,
  input: { actor: Actor; settings: z.infer<typeof courseSettingsInput>; now: Date },
): Promise<Outcome<CourseDto>> {
  const actor = authorize(input.actor, 'courses.create');
  const ownerId = actorUserId(actor)!;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(courses)
      .values({ ...input.settings, coverImage: input.settings.coverImage ?? null, ownerId, createdAt: input.now, updatedAt: input.now })
      .returning({ id: courses.id })
      .catch(explainSettingsError);
    await recordAudit(tx, { actor, action: 'course_created', subjectType: 'course', subjectId: row.id, details: { title: input.settings.title } });
    return courseChanged(tx, row.id, input.now);
  });
}

export async function updateCourse(
  db: Database,
  input: { actor: Actor; courseId: string; changes: z.infer<typeof courseUpdateInput>; now: Date },
): Promise<Outcome<CourseDto>> {
  return db.transaction(async (tx) => {
    await requireCourseEditor(tx, input.actor, input.courseId);
    const changes = Object.fromEntries(Object.entries(input.changes).filter(([, value]) => value !== undefined));
    if (Object.keys(changes).length) {
      await tx.update(courses).set(changes).where(eq(courses.id, input.courseId)).catch(explainSettingsError);
    }
    await recordAudit(tx, { actor: input.actor, action: 'course_updated', subjectType: 'course', subjectId: input.courseId, details: { fields: Object.keys(changes) } });
    return courseChanged(tx, input.courseId, input.now);
  });
}

/** Publishes (needs at least one lesson or quiz) or takes a course back to draft. Enrollments stay. */
export async function setCourseStatus(
  db: Database,
  input: { actor: Actor; courseId: string; status: 'draft' | 'published'; now: Date },
): Promise<Outcome<CourseDto>> {
  return db.transaction(async (tx) => {
    await requireCourseEditor(tx, input.actor, input.courseId);
    if (input.status === 'published') {
      const [{ lessonCount }] = await tx.select({ lessonCount: count() }).from(lessons).where(eq(lessons.courseId, input.courseId));
      const [{ quizCount }] = await tx.select({ quizCount: count() }).from(quizzes).where(eq(quizzes.courseId, input.courseId));
      if (lessonCount + quizCount === 0) throw new AppError('conflict', 'Add at least one lesson or quiz before publishing.');
    }
    await tx
      .update(courses)
      .set({ status: input.status, ...(input.status === 'published' ? { publishedAt: input.now } : {}) })
      .where(eq(courses.id, input.courseId));
    await recordAudit(tx, { actor: input.actor, action: input.status === 'published' ? 'course_published' : 'course_unpublished', subjectType: 'course', subjectId: input.courseId });
    return courseChanged(tx, input.courseId, input.now);
  });
}

/** Sets the instructors who teach a course besides its owner; each must be a course creator or moderator. */
export async function setInstructors(
  db: Database,
  input: { actor: Actor; courseId: string; userIds: string[]; now: Date },
): Promise<Outcome<CourseDto>> {
  return db.transaction(async (tx) => {
    const access = await requireCourseEditor(tx, input.actor, input.courseId);
    const wanted = [...new Set(input.userIds)].filter((id) => id !== access.ownerId);
    if (wanted.length) {
      const eligible = await tx
        .selectDistinct({ userId: userRoles.userId })
        .from(userRoles)
        .where(and(inArray(userRoles.userId, wanted), inArray(userRoles.role, ['course_creator', 'moderator', 'batch_evaluator'])));
      const missing = wanted.filter((id) => !eligible.some((e) => e.userId === id));
      if (missing.length) throw new AppError('bad_request', 'Instructors must be course creators, batch evaluators or moderators.', { userIds: missing });
    }
    await tx.delete(courseInstructors).where(eq(courseInstructors.courseId, input.courseId));
    if (wanted.length) await tx.insert(courseInstructors).values(wanted.map((userId) => ({ courseId: input.courseId, userId })));
    await recordAudit(tx, { actor: input.actor, action: 'course_instructors_set', subjectType: 'course', subjectId: input.courseId, details: { userIds: wanted } });
    return courseChanged(tx, input.courseId, input.now);
  });
}

/** Deletes a course that nobody ever enrolled in; otherwise unpublish it instead (history is kept). */
export async function deleteCourse(db: Database, input: { actor: Actor; courseId: string }): Promise<void> {
  await db.transaction(async (tx) => {
    await requireCourseEditor(tx, input.actor, input.courseId);
    try {
      // enrollments.course_id is ON DELETE RESTRICT: a course with learners cannot go.
      await tx.delete(courses).where(eq(courses.id, input.courseId));
    } catch (error) {
      if (pgErrorCode(error) === pgErrors.foreignKeyViolation) throw new AppError('conflict', 'Learners have enrolled in this course: unpublish it instead of deleting it.');
      throw error;
    }
    await recordAudit(tx, { actor: input.actor, action: 'course_deleted', subjectType: 'course', subjectId: input.courseId });
  });
}
