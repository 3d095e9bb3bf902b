import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Actor } from '../auth/permissions.ts';
import type { Database } from '../db/client.ts';
import { assessEligibility } from '../modules/certificates/eligibility.ts';
import { insertCertificates } from '../modules/certificates/issuance.ts';
import { organisationDay } from '../modules/certificates/queries.ts';
import { revokeCertificate } from '../modules/certificates/revocation.ts';
import { templateOrDefault } from '../modules/certificates/templates.ts';
import { loadCourseAccess, loadCourseItems } from '../modules/courses/access.ts';
import { loadQuiz } from '../modules/courses/queries.ts';
import { courses } from '../modules/courses/schema.ts';
import { completeLesson } from '../modules/enrollment/learning.ts';
import { startAttempt, submitAttempt } from '../modules/enrollment/quiz-attempts.ts';
import { enrollments } from '../modules/enrollment/schema.ts';
import { settings } from '../modules/system/schema.ts';
import { userRoles, users } from '../modules/users/schema.ts';

async function actorFor(db: Database, userId: string): Promise<Actor & { kind: 'user' }> {
  const roles = await db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId));
  return { kind: 'user', userId, roles: roles.map((r) => r.role) };
}

/** Finishes a course as the learner would: every lesson, then every required quiz answered correctly. */
async function finishCourse(db: Database, learner: Actor & { kind: 'user' }, courseId: string, now: Date): Promise<void> {
  const items = await loadCourseItems(db, courseId);
  for (const lessonId of items.lessonIds) await completeLesson(db, { actor: learner, lessonId, now });
  for (const quizId of items.requiredQuizIds) {
    const quiz = await loadQuiz(db, quizId);
    const { attempt } = await startAttempt(db, { actor: learner, quizId, now });
    const answers = quiz.questions.map((q) => ({ questionId: q.id, optionIds: q.options.filter((o) => o.isCorrect).map((o) => o.id) }));
    await submitAttempt(db, { actor: learner, submissionId: attempt.submissionId, answers, now });
  }
}

/**
 * Demo certificates for Workplace Fire Safety: the student finishes it and holds a valid
 * certificate; a second learner finished it too, and theirs was revoked by the moderator.
 * Issued through the certificates service (without mailing anyone). Runs once.
 */
export async function seedDemoCertificates(db: Database, now = new Date()): Promise<boolean> {
  const [course] = await db.select({ id: courses.id }).from(courses).where(eq(courses.title, 'Workplace Fire Safety'));
  if (!course) return false;
  const [claimed] = await db.insert(settings).values({ key: 'demoCertificatesSeededAt', value: now.toISOString() }).onConflictDoNothing().returning();
  if (!claimed) return false;
  const learners = await db
    .select({ id: users.id, email: users.email })
    .from(enrollments)
    .innerJoin(users, eq(users.id, enrollments.userId))
    .where(and(eq(enrollments.courseId, course.id), eq(enrollments.status, 'active'), inArray(users.email, ['student@demo.test', 'aiko@demo.test'])))
    .orderBy(asc(users.email));
  const chosen = [...learners.filter((l) => l.email === 'student@demo.test'), ...learners.filter((l) => l.email !== 'student@demo.test')].slice(0, 2);
  if (!chosen.length) return false;
  for (const learner of chosen) await finishCourse(db, await actorFor(db, learner.id), course.id, now);

  const [moderatorRow] = await db.select({ id: users.id }).from(users).where(eq(users.email, 'moderator@demo.test'));
  const moderator = moderatorRow ? await actorFor(db, moderatorRow.id) : null;
  const access = await loadCourseAccess(db, course.id);
  const issued = await db.transaction(async (tx) => {
    const issuedOn = await organisationDay(tx, now);
    const template = await templateOrDefault(tx, null);
    const eligibility = await assessEligibility(tx, { courseId: course.id, memberIds: chosen.map((l) => l.id), course: access });
    return insertCertificates(tx, {
      actor: { kind: 'system', reason: 'get_certified' },
      course: access,
      entries: eligibility.filter((e) => e.eligible).map((e) => ({ memberId: e.memberId, cohortId: e.cohortId, issuedOn })),
      source: 'automatic',
      templateId: template.id,
      now,
    });
  });
  const second = issued.find((c) => c.memberId === chosen[1]?.id);
  if (second && moderator) {
    await revokeCertificate(db, { actor: moderator, certificateId: second.id, reason: 'Completed on a colleague’s account; to be retaken in person.', baseUrl: '', now });
  }
  return true;
}
