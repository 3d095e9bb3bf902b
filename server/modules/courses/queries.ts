import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { iso } from '../../http.ts';
import { users } from '../users/schema.ts';
import type { CourseDto, CourseOutlineDto, LessonDto, OutlineItemDto, QuizAuthoringDto } from './dto.ts';
import { renderMarkdown } from './markdown.ts';
import { chapters, courseInstructors, courses, lessons, quizOptions, quizQuestions, quizzes } from './schema.ts';

/** Courses as DTOs, in the order of `ids`. */
export async function loadCourses(db: Executor, ids: readonly string[]): Promise<CourseDto[]> {
  if (!ids.length) return [];
  const rows = await db
    .select({
      course: courses,
      ownerName: users.name,
      instructors: sql<{ id: string; name: string }[]>`coalesce((select json_agg(json_build_object('id', iu.id, 'name', iu.name) order by iu.name) from ${courseInstructors} ci join users iu on iu.id = ci.user_id where ci.course_id = "courses"."id"), '[]'::json)`,
      lessonCount: sql<number>`(select count(*)::int from ${lessons} l where l.course_id = "courses"."id")`,
      quizCount: sql<number>`(select count(*)::int from ${quizzes} q where q.course_id = "courses"."id")`,
    })
    .from(courses)
    .innerJoin(users, eq(users.id, courses.ownerId))
    .where(inArray(courses.id, [...ids]));
  const byId = new Map(
    rows.map(({ course, ownerName, instructors, lessonCount, quizCount }) => [
      course.id,
      {
        id: course.id,
        title: course.title,
        description: course.description,
        coverImage: course.coverImage,
        status: course.status,
        ownerId: course.ownerId,
        ownerName,
        instructorIds: instructors.map((i) => i.id),
        instructors,
        isMandatory: course.isMandatory,
        validityDays: course.validityDays,
        disableSelfLearning: course.disableSelfLearning,
        enableCertification: course.enableCertification,
        evaluationRequired: course.evaluationRequired,
        evaluationSlotMinutes: course.evaluationSlotMinutes,
        lessonCount,
        quizCount,
        publishedAt: iso(course.publishedAt),
        updatedAt: iso(course.updatedAt),
      } satisfies CourseDto,
    ]),
  );
  return ids.map((id) => byId.get(id)).filter((c): c is CourseDto => c !== undefined);
}

export async function loadCourse(db: Executor, id: string): Promise<CourseDto> {
  const [course] = await loadCourses(db, [id]);
  if (!course) throw new AppError('not_found', 'No such course.');
  return course;
}

/** The course with its chapters and their lessons and quizzes, in order. */
export async function loadOutline(db: Executor, courseId: string): Promise<CourseOutlineDto> {
  const course = await loadCourse(db, courseId);
  const chapterRows = await db.select().from(chapters).where(eq(chapters.courseId, courseId)).orderBy(asc(chapters.position), asc(chapters.createdAt));
  const lessonRows = await db
    .select({ id: lessons.id, chapterId: lessons.chapterId, title: lessons.title, position: lessons.position, videoUrl: lessons.videoUrl })
    .from(lessons)
    .where(eq(lessons.courseId, courseId));
  const quizRows = await db
    .select({
      quiz: quizzes,
      // Qualified by hand: in a one-table select drizzle writes a bare "id", which the subquery would take for its own.
      questionCount: sql<number>`(select count(*)::int from ${quizQuestions} qq where qq.quiz_id = "quizzes"."id")`,
    })
    .from(quizzes)
    .where(eq(quizzes.courseId, courseId));
  const items = new Map<string, OutlineItemDto[]>(chapterRows.map((c) => [c.id, []]));
  for (const lesson of lessonRows) {
    items.get(lesson.chapterId)?.push({ kind: 'lesson', id: lesson.id, title: lesson.title, position: lesson.position, hasVideo: Boolean(lesson.videoUrl) });
  }
  for (const { quiz, questionCount } of quizRows) {
    items.get(quiz.chapterId)?.push({
      kind: 'quiz',
      id: quiz.id,
      title: quiz.title,
      position: quiz.position,
      isRequired: quiz.isRequired,
      passPercentage: quiz.passPercentage,
      maxAttempts: quiz.maxAttempts,
      timeLimitSeconds: quiz.timeLimitSeconds,
      questionCount,
    });
  }
  return {
    course,
    chapters: chapterRows.map((chapter) => ({
      id: chapter.id,
      title: chapter.title,
      position: chapter.position,
      items: (items.get(chapter.id) ?? []).sort((a, b) => a.position - b.position || a.kind.localeCompare(b.kind)),
    })),
  };
}

/** A lesson with its markdown rendered to safe HTML. */
export async function loadLesson(db: Executor, lessonId: string): Promise<LessonDto> {
  const [row] = await db.select().from(lessons).where(eq(lessons.id, lessonId));
  if (!row) throw new AppError('not_found', 'No such lesson.');
  return {
    id: row.id,
    courseId: row.courseId,
    chapterId: row.chapterId,
    title: row.title,
    body: row.body,
    html: renderMarkdown(row.body),
    videoUrl: row.videoUrl,
    position: row.position,
    updatedAt: iso(row.updatedAt),
  };
}

/**
 * A quiz with its questions, options and correct answers. For authors and for grading only:
 * learners get `withoutAnswers(quiz)` until they submit.
 */
export async function loadQuiz(db: Executor, quizId: string): Promise<QuizAuthoringDto> {
  const [quiz] = await db.select().from(quizzes).where(eq(quizzes.id, quizId));
  if (!quiz) throw new AppError('not_found', 'No such quiz.');
  const questionRows = await db.select().from(quizQuestions).where(eq(quizQuestions.quizId, quizId)).orderBy(asc(quizQuestions.position));
  const optionRows = questionRows.length
    ? await db.select().from(quizOptions).where(inArray(quizOptions.questionId, questionRows.map((q) => q.id))).orderBy(asc(quizOptions.position))
    : [];
  return {
    id: quiz.id,
    courseId: quiz.courseId,
    chapterId: quiz.chapterId,
    title: quiz.title,
    position: quiz.position,
    passPercentage: quiz.passPercentage,
    maxAttempts: quiz.maxAttempts,
    timeLimitSeconds: quiz.timeLimitSeconds,
    isRequired: quiz.isRequired,
    updatedAt: iso(quiz.updatedAt),
    questions: questionRows.map((question) => ({
      id: question.id,
      prompt: question.prompt,
      kind: question.kind,
      explanation: question.explanation,
      points: question.points,
      options: optionRows.filter((o) => o.questionId === question.id).map((o) => ({ id: o.id, label: o.label, isCorrect: o.isCorrect })),
    })),
  };
}

/** The quiz as a learner may see it before submitting: no correct answers, no explanations. */
export function withoutAnswers(quiz: QuizAuthoringDto) {
  return {
    ...quiz,
    questions: quiz.questions.map(({ explanation: _explanation, options, ...question }) => ({
      ...question,
      options: options.map(({ isCorrect: _isCorrect, ...option }) => option),
    })),
  };
}
export type LearnerQuizDto = ReturnType<typeof withoutAnswers>;
