import { eq } from 'drizzle-orm';
import { authorize, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { iso } from '../../http.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { loadCourseAccess } from '../courses/access.ts';
import { recordAudit } from '../system/audit.ts';
import type { RubricDto, RubricInput } from './dto.ts';
import { allEvaluatorIds } from './queries.ts';
import { courseEvaluationSettings, type RubricCriterion } from './schema.ts';

/** A course's rubric criteria, in order; empty when none was set. */
export async function loadRubric(db: Executor, courseId: string): Promise<RubricCriterion[]> {
  const [row] = await db.select({ rubric: courseEvaluationSettings.rubric }).from(courseEvaluationSettings).where(eq(courseEvaluationSettings.courseId, courseId));
  return row?.rubric ?? [];
}

async function loadRubricDto(db: Executor, courseId: string): Promise<RubricDto> {
  const [row] = await db.select().from(courseEvaluationSettings).where(eq(courseEvaluationSettings.courseId, courseId));
  return { courseId, criteria: row?.rubric ?? [], updatedAt: iso(row?.updatedAt ?? null) };
}

/** A course's rubric: staff, the course's owner and instructors, and its evaluators. */
export async function getRubric(db: Executor, input: { actor: Actor; courseId: string }): Promise<RubricDto> {
  const course = await loadCourseAccess(db, input.courseId);
  authorize(input.actor, 'evaluators.view', { ownerIds: [...course.runnerIds, ...(await allEvaluatorIds(db, input.courseId))] });
  return loadRubricDto(db, input.courseId);
}

/** "Oral presentation!" → "oral-presentation". */
function slug(name: string): string {
  return (
    name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'criterion'
  );
}

/**
 * Keys for the criteria: a criterion keeps the key it had under the same name (scores already
 * given stay readable), a new one gets a key from its name, made unique.
 */
function keyCriteria(previous: readonly RubricCriterion[], criteria: RubricInput['criteria']): RubricCriterion[] {
  const used = new Set<string>();
  return criteria.map((criterion) => {
    let key = previous.find((p) => p.name.toLowerCase() === criterion.name.toLowerCase())?.key ?? slug(criterion.name);
    for (let n = 2; used.has(key); n++) key = `${slug(criterion.name)}-${n}`;
    used.add(key);
    return { key, name: criterion.name, maxScore: criterion.maxScore };
  });
}

/**
 * Replaces a course's rubric (moderators, the course's owner and instructors). Completed
 * evaluations keep the scores they were given.
 */
export async function saveRubric(db: Database, input: { actor: Actor; courseId: string; rubric: RubricInput; now: Date }): Promise<Outcome<RubricDto>> {
  const course = await loadCourseAccess(db, input.courseId);
  authorize(input.actor, 'evaluationRubric.manage', { ownerIds: course.runnerIds });
  const updatedBy = input.actor.kind === 'user' ? input.actor.userId : null;
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(courseEvaluationSettings).where(eq(courseEvaluationSettings.courseId, course.id)).for('update');
    const rubric = keyCriteria(current?.rubric ?? [], input.rubric.criteria);
    await tx
      .insert(courseEvaluationSettings)
      .values({ courseId: course.id, rubric, updatedBy, updatedAt: input.now })
      .onConflictDoUpdate({ target: courseEvaluationSettings.courseId, set: { rubric, updatedBy, updatedAt: input.now } });
    await recordAudit(tx, { actor: input.actor, action: 'evaluation_rubric_saved', subjectType: 'course', subjectId: course.id, details: { criteria: rubric } });
    return outcome(await loadRubricDto(tx, course.id));
  });
}
