import { and, eq, max } from 'drizzle-orm';
import type { z } from 'zod';
import type { Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import type { DomainEvent } from '../../realtime/events.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { recomputeCourseProgress } from '../enrollment/progress.ts';
import { recordAudit } from '../system/audit.ts';
import { courseChanged, requireCourseEditor } from './authoring.ts';
import type { CourseOutlineDto, LessonDto, lessonInput, lessonUpdateInput, outlineOrderInput } from './dto.ts';
import { loadLesson, loadOutline } from './queries.ts';
import { chapters, lessons, quizzes } from './schema.ts';

/**
 * After lessons or required quizzes come or go, every learner's progress is measured again
 * against the new item count, in the same transaction, so nobody ever shows 200%.
 */
export async function itemsChanged(tx: Executor, courseId: string, now: Date): Promise<DomainEvent[]> {
  const progressEvents = await recomputeCourseProgress(tx, courseId);
  const { events } = await courseChanged(tx, courseId, now);
  return [...events, ...progressEvents];
}

export async function nextPosition(tx: Executor, chapterId: string): Promise<number> {
  const [lessonMax] = await tx.select({ value: max(lessons.position) }).from(lessons).where(eq(lessons.chapterId, chapterId));
  const [quizMax] = await tx.select({ value: max(quizzes.position) }).from(quizzes).where(eq(quizzes.chapterId, chapterId));
  return Math.max(lessonMax?.value ?? -1, quizMax?.value ?? -1) + 1;
}

/** The chapter, checked to belong to a course `actor` may edit. */
export async function requireChapter(tx: Executor, actor: Actor, chapterId: string) {
  const [chapter] = await tx.select().from(chapters).where(eq(chapters.id, chapterId));
  if (!chapter) throw new AppError('not_found', 'No such chapter.');
  await requireCourseEditor(tx, actor, chapter.courseId);
  return chapter;
}

export async function addChapter(db: Database, input: { actor: Actor; courseId: string; title: string; now: Date }): Promise<Outcome<CourseOutlineDto>> {
  return db.transaction(async (tx) => {
    await requireCourseEditor(tx, input.actor, input.courseId);
    const [last] = await tx.select({ value: max(chapters.position) }).from(chapters).where(eq(chapters.courseId, input.courseId));
    await tx.insert(chapters).values({ courseId: input.courseId, title: input.title, position: (last?.value ?? -1) + 1 });
    const { events } = await courseChanged(tx, input.courseId, input.now);
    return outcome(await loadOutline(tx, input.courseId), events);
  });
}

export async function renameChapter(db: Database, input: { actor: Actor; chapterId: string; title: string; now: Date }): Promise<Outcome<CourseOutlineDto>> {
  return db.transaction(async (tx) => {
    const chapter = await requireChapter(tx, input.actor, input.chapterId);
    await tx.update(chapters).set({ title: input.title }).where(eq(chapters.id, chapter.id));
    const { events } = await courseChanged(tx, chapter.courseId, input.now);
    return outcome(await loadOutline(tx, chapter.courseId), events);
  });
}

/** Deletes a chapter with its lessons and quizzes; learners' completions of them go too, and progress is recomputed. */
export async function deleteChapter(db: Database, input: { actor: Actor; chapterId: string; now: Date }): Promise<Outcome<CourseOutlineDto>> {
  return db.transaction(async (tx) => {
    const chapter = await requireChapter(tx, input.actor, input.chapterId);
    await tx.delete(chapters).where(eq(chapters.id, chapter.id));
    await recordAudit(tx, { actor: input.actor, action: 'chapter_deleted', subjectType: 'course', subjectId: chapter.courseId, details: { chapter: chapter.title } });
    const events = await itemsChanged(tx, chapter.courseId, input.now);
    return outcome(await loadOutline(tx, chapter.courseId), events);
  });
}

export async function addLesson(
  db: Database,
  input: { actor: Actor; chapterId: string; lesson: z.infer<typeof lessonInput>; now: Date },
): Promise<Outcome<LessonDto>> {
  return db.transaction(async (tx) => {
    const chapter = await requireChapter(tx, input.actor, input.chapterId);
    const [row] = await tx
      .insert(lessons)
      .values({ ...input.lesson, courseId: chapter.courseId, chapterId: chapter.id, position: await nextPosition(tx, chapter.id) })
      .returning({ id: lessons.id });
    const events = await itemsChanged(tx, chapter.courseId, input.now);
    return outcome(await loadLesson(tx, row.id), events);
  });
}

async function requireLesson(tx: Executor, actor: Actor, lessonId: string) {
  const [lesson] = await tx.select({ id: lessons.id, courseId: lessons.courseId, chapterId: lessons.chapterId, title: lessons.title }).from(lessons).where(eq(lessons.id, lessonId));
  if (!lesson) throw new AppError('not_found', 'No such lesson.');
  await requireCourseEditor(tx, actor, lesson.courseId);
  return lesson;
}

/** A lesson as its authors see it (markdown source included). */
export async function getLessonForAuthors(db: Executor, input: { actor: Actor; lessonId: string }): Promise<LessonDto> {
  await requireLesson(db, input.actor, input.lessonId);
  return loadLesson(db, input.lessonId);
}

export async function updateLesson(
  db: Database,
  input: { actor: Actor; lessonId: string; changes: z.infer<typeof lessonUpdateInput>; now: Date },
): Promise<Outcome<LessonDto>> {
  return db.transaction(async (tx) => {
    const lesson = await requireLesson(tx, input.actor, input.lessonId);
    const { chapterId, ...fields } = input.changes;
    const changes: Partial<typeof lessons.$inferInsert> = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    if (chapterId && chapterId !== lesson.chapterId) {
      const [target] = await tx.select({ courseId: chapters.courseId }).from(chapters).where(eq(chapters.id, chapterId));
      if (!target || target.courseId !== lesson.courseId) throw new AppError('bad_request', 'A lesson can only move to a chapter of the same course.');
      changes.chapterId = chapterId;
      changes.position = await nextPosition(tx, chapterId);
    }
    await tx.update(lessons).set({ ...changes, updatedAt: input.now }).where(eq(lessons.id, lesson.id));
    const { events } = await courseChanged(tx, lesson.courseId, input.now);
    return outcome(await loadLesson(tx, lesson.id), events);
  });
}

export async function deleteLesson(db: Database, input: { actor: Actor; lessonId: string; now: Date }): Promise<Outcome<CourseOutlineDto>> {
  return db.transaction(async (tx) => {
    const lesson = await requireLesson(tx, input.actor, input.lessonId);
    await tx.delete(lessons).where(eq(lessons.id, lesson.id));
    await recordAudit(tx, { actor: input.actor, action: 'lesson_deleted', subjectType: 'course', subjectId: lesson.courseId, details: { lesson: lesson.title } });
    const events = await itemsChanged(tx, lesson.courseId, input.now);
    return outcome(await loadOutline(tx, lesson.courseId), events);
  });
}

/**
 * Puts chapters and their items in the given order; items may move between chapters. The lists
 * must name exactly the course's chapters and items, so a stale editor cannot drop anything.
 */
export async function reorderOutline(
  db: Database,
  input: { actor: Actor; courseId: string; order: z.infer<typeof outlineOrderInput>; now: Date },
): Promise<Outcome<CourseOutlineDto>> {
  return db.transaction(async (tx) => {
    await requireCourseEditor(tx, input.actor, input.courseId);
    const current = await loadOutline(tx, input.courseId);
    const key = (kind: string, id: string) => `${kind}:${id}`;
    const have = new Set(current.chapters.flatMap((c) => [key('chapter', c.id), ...c.items.map((i) => key(i.kind, i.id))]));
    const given = input.order.chapters.flatMap((c) => [key('chapter', c.id), ...c.items.map((i) => key(i.kind, i.id))]);
    if (given.length !== have.size || new Set(given).size !== given.length || given.some((k) => !have.has(k))) {
      throw new AppError('conflict', 'The outline changed since it was loaded. Reload and try again.');
    }
    for (const [chapterIndex, chapter] of input.order.chapters.entries()) {
      await tx.update(chapters).set({ position: chapterIndex }).where(and(eq(chapters.id, chapter.id), eq(chapters.courseId, input.courseId)));
      for (const [itemIndex, item] of chapter.items.entries()) {
        const table = item.kind === 'lesson' ? lessons : quizzes;
        await tx.update(table).set({ position: itemIndex, chapterId: chapter.id }).where(eq(table.id, item.id));
      }
    }
    const { events } = await courseChanged(tx, input.courseId, input.now);
    return outcome(await loadOutline(tx, input.courseId), events);
  });
}

