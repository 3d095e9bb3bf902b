import { and, count, desc, eq, ilike, inArray, or, type SQL } from 'drizzle-orm';
import { actorUserId, authorize, can, type Actor } from '../../auth/permissions.ts';
import type { Executor } from '../../db/client.ts';
import { coursesRunBy } from './access.ts';
import type { CourseListDto } from './dto.ts';
import { loadCourses, loadOutline } from './queries.ts';
import { AppError } from '../../errors.ts';
import { courses } from './schema.ts';

interface ListInput {
  actor: Actor;
  search?: string;
  status?: 'draft' | 'published';
  mandatory?: boolean;
  limit: number;
  offset: number;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

async function page(db: Executor, where: SQL | undefined, input: ListInput): Promise<CourseListDto> {
  const [{ total }] = await db.select({ total: count() }).from(courses).where(where);
  const rows = await db.select({ id: courses.id }).from(courses).where(where).orderBy(desc(courses.updatedAt), courses.id).limit(input.limit).offset(input.offset);
  return { courses: await loadCourses(db, rows.map((r) => r.id)), total };
}

function commonFilters(input: ListInput): SQL[] {
  const filters: SQL[] = [];
  if (input.search) {
    const pattern = `%${escapeLike(input.search)}%`;
    filters.push(or(ilike(courses.title, pattern), ilike(courses.description, pattern))!);
  }
  if (input.mandatory !== undefined) filters.push(eq(courses.isMandatory, input.mandatory));
  return filters;
}

/** Published courses anyone signed in may browse; self-enrolment rules are shown per course. */
export async function listCatalogue(db: Executor, input: ListInput): Promise<CourseListDto> {
  authorize(input.actor, 'learning.participate');
  return page(db, and(eq(courses.status, 'published'), ...commonFilters(input)), input);
}

/** Courses the asker authors: every course for moderators, their own and co-taught ones for creators. */
export async function listAuthoredCourses(db: Executor, input: ListInput): Promise<CourseListDto> {
  const actor = authorize(input.actor, 'courses.create');
  const filters = commonFilters(input);
  if (input.status) filters.push(eq(courses.status, input.status));
  if (!can(actor, 'courses.edit')) {
    const mine = await coursesRunBy(db, actorUserId(actor)!);
    if (!mine.length) return { courses: [], total: 0 };
    filters.push(inArray(courses.id, mine));
  }
  return page(db, filters.length ? and(...filters) : undefined, input);
}

/** A course with its outline: published ones for anyone signed in, drafts only for their editors. */
export async function getCourseOutline(db: Executor, input: { actor: Actor; courseId: string }) {
  authorize(input.actor, 'learning.participate');
  const outline = await loadOutline(db, input.courseId);
  const runners = [outline.course.ownerId, ...outline.course.instructorIds];
  const editable = can(input.actor, 'courses.edit', { ownerIds: runners });
  if (outline.course.status !== 'published' && !editable) throw new AppError('not_found', 'No such course.');
  return { ...outline, editable };
}
