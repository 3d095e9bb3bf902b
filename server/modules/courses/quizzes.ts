import { eq } from 'drizzle-orm';
import type { Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import type { DomainEvent } from '../../realtime/events.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { recordAudit } from '../system/audit.ts';
import { requireCourseEditor } from './authoring.ts';
import type { QuizAuthoringDto, QuizInput } from './dto.ts';
import { itemsChanged, nextPosition, requireChapter } from './outline.ts';
import { loadQuiz } from './queries.ts';
import { quizOptions, quizQuestions, quizzes } from './schema.ts';

async function writeQuestions(tx: Executor, quizId: string, questions: QuizInput['questions']): Promise<void> {
  await tx.delete(quizQuestions).where(eq(quizQuestions.quizId, quizId));
  for (const [position, question] of questions.entries()) {
    const [row] = await tx
      .insert(quizQuestions)
      .values({ quizId, position, prompt: question.prompt, kind: question.kind, explanation: question.explanation, points: question.points })
      .returning({ id: quizQuestions.id });
    await tx.insert(quizOptions).values(question.options.map((option, index) => ({ questionId: row.id, position: index, label: option.label, isCorrect: option.isCorrect })));
  }
}

export async function createQuiz(db: Database, input: { actor: Actor; chapterId: string; quiz: QuizInput; now: Date }): Promise<Outcome<QuizAuthoringDto>> {
  return db.transaction(async (tx) => {
    const chapter = await requireChapter(tx, input.actor, input.chapterId);
    const { questions, ...settings } = input.quiz;
    const [row] = await tx
      .insert(quizzes)
      .values({ ...settings, courseId: chapter.courseId, chapterId: chapter.id, position: await nextPosition(tx, chapter.id), createdAt: input.now, updatedAt: input.now })
      .returning({ id: quizzes.id });
    await writeQuestions(tx, row.id, questions);
    const events = await itemsChanged(tx, chapter.courseId, input.now);
    return outcome(await loadQuiz(tx, row.id), events);
  });
}

async function requireQuiz(tx: Executor, actor: Actor, quizId: string) {
  const [quiz] = await tx.select({ id: quizzes.id, courseId: quizzes.courseId, title: quizzes.title }).from(quizzes).where(eq(quizzes.id, quizId));
  if (!quiz) throw new AppError('not_found', 'No such quiz.');
  await requireCourseEditor(tx, actor, quiz.courseId);
  return quiz;
}

/** The quiz with its answers, for the people who write it. */
export async function getQuizForAuthors(db: Executor, input: { actor: Actor; quizId: string }): Promise<QuizAuthoringDto> {
  await requireQuiz(db, input.actor, input.quizId);
  return loadQuiz(db, input.quizId);
}

/**
 * Replaces a quiz's settings and questions. Past submissions keep their scores; whether the quiz
 * is required may change, so progress is recomputed.
 */
export async function saveQuiz(db: Database, input: { actor: Actor; quizId: string; quiz: QuizInput; now: Date }): Promise<Outcome<QuizAuthoringDto>> {
  return db.transaction(async (tx) => {
    const quiz = await requireQuiz(tx, input.actor, input.quizId);
    const { questions, ...settings } = input.quiz;
    await tx.update(quizzes).set({ ...settings, updatedAt: input.now }).where(eq(quizzes.id, quiz.id));
    await writeQuestions(tx, quiz.id, questions);
    const events: DomainEvent[] = await itemsChanged(tx, quiz.courseId, input.now);
    return outcome(await loadQuiz(tx, quiz.id), events);
  });
}

export async function deleteQuiz(db: Database, input: { actor: Actor; quizId: string; now: Date }): Promise<Outcome<{ courseId: string }>> {
  return db.transaction(async (tx) => {
    const quiz = await requireQuiz(tx, input.actor, input.quizId);
    await tx.delete(quizzes).where(eq(quizzes.id, quiz.id));
    await recordAudit(tx, { actor: input.actor, action: 'quiz_deleted', subjectType: 'course', subjectId: quiz.courseId, details: { quiz: quiz.title } });
    return outcome({ courseId: quiz.courseId }, await itemsChanged(tx, quiz.courseId, input.now));
  });
}
