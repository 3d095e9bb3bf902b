import { randomBytes } from 'node:crypto';
import type { Database } from '../../server/db/client.ts';
import { chapters, courses, lessons, quizOptions, quizQuestions, quizzes } from '../../server/modules/courses/schema.ts';
import { createUser } from './factories.ts';

export interface TestQuizSpec {
  title?: string;
  passPercentage?: number;
  maxAttempts?: number | null;
  timeLimitSeconds?: number | null;
  isRequired?: boolean;
  /** Each question: its kind and which of its options are correct (by index). Default: 2 single-choice questions, option 0 correct. */
  questions?: { kind?: 'single' | 'multiple'; options?: number; correct?: number[]; points?: number }[];
}

export interface TestCourse {
  id: string;
  ownerId: string;
  chapterId: string;
  lessonIds: string[];
  quizzes: { id: string; questions: { id: string; optionIds: string[]; correctOptionIds: string[] }[] }[];
}

/**
 * A course straight in the database: one chapter with `lessons` lessons, then the quizzes.
 * @example const course = await createCourse(db, { lessons: 3, quizzes: [{ passPercentage: 50 }] });
 */
export async function createCourse(
  db: Database,
  options: {
    ownerId?: string;
    title?: string;
    lessons?: number;
    quizzes?: TestQuizSpec[];
    status?: 'draft' | 'published';
    settings?: Partial<typeof courses.$inferInsert>;
  } = {},
): Promise<TestCourse> {
  const ownerId = options.ownerId ?? (await createUser(db, { roles: ['course_creator'] })).id;
  const status = options.status ?? 'published';
  const [course] = await db
    .insert(courses)
    .values({ title: options.title ?? `Course ${randomBytes(3).toString('hex')}`, ownerId, status, publishedAt: status === 'published' ? new Date() : null, ...options.settings })
    .returning({ id: courses.id });
  const [chapter] = await db.insert(chapters).values({ courseId: course.id, title: 'Chapter 1', position: 0 }).returning({ id: chapters.id });
  const lessonIds: string[] = [];
  for (let i = 0; i < (options.lessons ?? 3); i++) {
    const [lesson] = await db.insert(lessons).values({ courseId: course.id, chapterId: chapter.id, title: `Lesson ${i + 1}`, body: `Body of lesson ${i + 1}`, position: i }).returning({ id: lessons.id });
    lessonIds.push(lesson.id);
  }
  const createdQuizzes: TestCourse['quizzes'] = [];
  for (const [index, spec] of (options.quizzes ?? []).entries()) {
    const [quiz] = await db
      .insert(quizzes)
      .values({
        courseId: course.id,
        chapterId: chapter.id,
        title: spec.title ?? `Quiz ${index + 1}`,
        position: lessonIds.length + index,
        passPercentage: spec.passPercentage ?? 70,
        maxAttempts: spec.maxAttempts ?? null,
        timeLimitSeconds: spec.timeLimitSeconds ?? null,
        isRequired: spec.isRequired ?? true,
      })
      .returning({ id: quizzes.id });
    const questions: TestCourse['quizzes'][number]['questions'] = [];
    for (const [qIndex, question] of (spec.questions ?? [{}, {}]).entries()) {
      const [row] = await db
        .insert(quizQuestions)
        .values({ quizId: quiz.id, position: qIndex, prompt: `Question ${qIndex + 1}?`, kind: question.kind ?? 'single', explanation: `Because ${qIndex + 1}.`, points: question.points ?? 1 })
        .returning({ id: quizQuestions.id });
      const correct = new Set(question.correct ?? [0]);
      const optionRows = await db
        .insert(quizOptions)
        .values(Array.from({ length: question.options ?? 3 }, (_, o) => ({ questionId: row.id, position: o, label: `Option ${o + 1}`, isCorrect: correct.has(o) })))
        .returning({ id: quizOptions.id, isCorrect: quizOptions.isCorrect });
      questions.push({ id: row.id, optionIds: optionRows.map((o) => o.id), correctOptionIds: optionRows.filter((o) => o.isCorrect).map((o) => o.id) });
    }
    createdQuizzes.push({ id: quiz.id, questions });
  }
  return { id: course.id, ownerId, chapterId: chapter.id, lessonIds, quizzes: createdQuizzes };
}
