import { afterEach, describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.ts';
import { createCourse, type TestCourse, type TestQuizSpec } from './support/courses.ts';
import { createUser, signIn } from './support/factories.ts';

describe('quizzes', () => {
  const t = useTestApp();
  afterEach(() => t().clock.reset());

  const enrolled = async (course: TestCourse) => {
    const user = await createUser(t().db);
    const client = await signIn(t().client(), user);
    expect((await client.post(`/api/courses/${course.id}/enroll`)).status).toBe(201);
    return { user, client };
  };
  const courseWithQuiz = (spec: TestQuizSpec, lessons = 1) => createCourse(t().db, { lessons, quizzes: [spec] });
  type Quiz = TestCourse['quizzes'][number];
  const correctAnswers = (quiz: Quiz) => quiz.questions.map((q) => ({ questionId: q.id, optionIds: q.correctOptionIds }));
  const wrongAnswers = (quiz: Quiz) => quiz.questions.map((q) => ({ questionId: q.id, optionIds: [q.optionIds.find((id) => !q.correctOptionIds.includes(id))!] }));

  it('never shows a learner the correct answers or explanations before they submit', async () => {
    const course = await courseWithQuiz({ questions: [{ kind: 'single', correct: [1] }, { kind: 'multiple', correct: [0, 2], options: 4 }] });
    const { client } = await enrolled(course);
    const view = await client.get(`/api/learn/quizzes/${course.quizzes[0].id}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ attemptsUsed: 0, attemptsLeft: null, best: null, openAttempt: null, history: [] });
    expect(view.body.quiz.questions).toHaveLength(2);
    expect(view.body.quiz.questions[1].options).toHaveLength(4);
    const started = await client.post(`/api/learn/quizzes/${course.quizzes[0].id}/attempts`);
    expect(started.status).toBe(201);
    for (const body of [view.body, started.body]) {
      const json = JSON.stringify(body);
      expect(json).not.toMatch(/isCorrect/);
      expect(json).not.toMatch(/explanation/);
      expect(json).not.toMatch(/Because/);
    }
    const submitted = await client.post(`/api/learn/submissions/${started.body.submissionId}/submit`, { answers: [] });
    expect(submitted.body.results[0]).toMatchObject({ correctOptionIds: course.quizzes[0].questions[0].correctOptionIds, explanation: 'Because 1.' });
  });

  it('grades single choice by the one correct option and multiple choice by the exact set, with points', async () => {
    const course = await courseWithQuiz({
      passPercentage: 100,
      questions: [
        { kind: 'single', correct: [1], points: 2 },
        { kind: 'multiple', correct: [0, 2], options: 4, points: 3 },
        { kind: 'multiple', correct: [1, 3], options: 4, points: 5 },
      ],
    });
    const quiz = course.quizzes[0];
    const [single, multiple, partial] = quiz.questions;
    const { client } = await enrolled(course);
    const { body: attempt } = await client.post(`/api/learn/quizzes/${quiz.id}/attempts`);
    const result = await client.post(`/api/learn/submissions/${attempt.submissionId}/submit`, {
      answers: [
        { questionId: single.id, optionIds: [single.optionIds[1]] },
        { questionId: multiple.id, optionIds: [multiple.optionIds[2], multiple.optionIds[0]] },
        { questionId: partial.id, optionIds: [partial.optionIds[1]] }, // one of two correct: no points
      ],
    });
    expect(result.status).toBe(200);
    expect(result.body.submission).toMatchObject({ attempt: 1, score: 5, maxScore: 10, percentage: 50, passed: false, closedBy: 'learner' });
    expect(result.body.results.map((r: { earnedPoints: number; correct: boolean }) => [r.earnedPoints, r.correct])).toEqual([
      [2, true],
      [3, true],
      [0, false],
    ]);
    expect(result.body.results[2]).toMatchObject({ chosenOptionIds: [partial.optionIds[1]], correctOptionIds: [partial.optionIds[1], partial.optionIds[3]], points: 5 });

    // Answering questions or options that are not in the quiz is refused, and the attempt stays open.
    const { body: second } = await client.post(`/api/learn/quizzes/${quiz.id}/attempts`);
    const strangers = [
      [{ questionId: course.lessonIds[0], optionIds: [] }],
      [{ questionId: single.id, optionIds: [multiple.optionIds[0]] }],
      [{ questionId: single.id, optionIds: [single.optionIds[0], single.optionIds[1]] }],
      [{ questionId: single.id, optionIds: [single.optionIds[1]] }, { questionId: single.id, optionIds: [single.optionIds[1]] }],
    ];
    for (const answers of strangers) {
      const refused = await client.post(`/api/learn/submissions/${second.submissionId}/submit`, { answers });
      expect(refused.status).toBe(400);
    }
    const done = await client.post(`/api/learn/submissions/${second.submissionId}/submit`, { answers: correctAnswers(quiz) });
    expect(done.body.submission).toMatchObject({ attempt: 2, score: 10, percentage: 100, passed: true });
    const again = await client.post(`/api/learn/submissions/${second.submissionId}/submit`, { answers: correctAnswers(quiz) });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('attempt_closed');
  });

  it('passes exactly at the pass percentage', async () => {
    const course = await courseWithQuiz({ passPercentage: 50, questions: [{}, {}] });
    const quiz = course.quizzes[0];
    const { client } = await enrolled(course);
    const { body: attempt } = await client.post(`/api/learn/quizzes/${quiz.id}/attempts`);
    const [first, second] = quiz.questions;
    const result = await client.post(`/api/learn/submissions/${attempt.submissionId}/submit`, {
      answers: [{ questionId: first.id, optionIds: first.correctOptionIds }, { questionId: second.id, optionIds: [second.optionIds[2]] }],
    });
    expect(result.body.submission).toMatchObject({ percentage: 50, passed: true });
  });

  it('stops at the attempt limit and hands back the open attempt instead of a new one', async () => {
    const course = await courseWithQuiz({ maxAttempts: 2 });
    const quiz = course.quizzes[0];
    const { client } = await enrolled(course);
    const first = await client.post(`/api/learn/quizzes/${quiz.id}/attempts`);
    const same = await client.post(`/api/learn/quizzes/${quiz.id}/attempts`);
    expect(same.status).toBe(200);
    expect(same.body.submissionId).toBe(first.body.submissionId);
    await client.post(`/api/learn/submissions/${first.body.submissionId}/submit`, { answers: wrongAnswers(quiz) });
    const second = await client.post(`/api/learn/quizzes/${quiz.id}/attempts`);
    expect(second.body.attempt).toBe(2);
    await client.post(`/api/learn/submissions/${second.body.submissionId}/submit`, { answers: correctAnswers(quiz) });
    const third = await client.post(`/api/learn/quizzes/${quiz.id}/attempts`);
    expect(third.status).toBe(409);
    expect(third.body.error.code).toBe('attempts_exhausted');
    const view = await client.get(`/api/learn/quizzes/${quiz.id}`);
    expect(view.body).toMatchObject({ attemptsUsed: 2, attemptsLeft: 0, best: { attempt: 2, passed: true, percentage: 100 }, openAttempt: null });
    expect(view.body.history.map((s: { attempt: number; passed: boolean }) => [s.attempt, s.passed])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it('numbers attempts once each when a learner starts the same quiz from several tabs at once', async () => {
    const course = await courseWithQuiz({ maxAttempts: 3 });
    const { user, client } = await enrolled(course);
    const answers = await Promise.all(Array.from({ length: 8 }, () => client.post(`/api/learn/quizzes/${course.quizzes[0].id}/attempts`)));
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(7).fill(200), 201]);
    expect(new Set(answers.map((a) => a.body.submissionId)).size).toBe(1);
    const rows = await t().database.sql`select attempt from quiz_submissions where user_id = ${user.id}`;
    expect(rows).toEqual([{ attempt: 1 }]);
  });

  it('closes a timed attempt submitted after its deadline as failed, answers discarded', async () => {
    const course = await courseWithQuiz({ timeLimitSeconds: 60, passPercentage: 50 });
    const quiz = course.quizzes[0];
    const { client, user } = await enrolled(course);
    const started = await client.post(`/api/learn/quizzes/${quiz.id}/attempts`);
    expect(new Date(started.body.deadlineAt).getTime() - new Date(started.body.startedAt).getTime()).toBe(60_000);
    t().clock.advance(66_000);
    const late = await client.post(`/api/learn/submissions/${started.body.submissionId}/submit`, { answers: correctAnswers(quiz) });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('time_expired');
    const [row] = await t().database.sql`select passed, score, answers, closed_by, submitted_at from quiz_submissions where user_id = ${user.id}`;
    expect(row).toMatchObject({ passed: false, score: 0, answers: [], closed_by: 'timeout' });
    expect(row.submitted_at).not.toBeNull();
    const view = await client.get(`/api/learn/quizzes/${quiz.id}`);
    expect(view.body).toMatchObject({ openAttempt: null, attemptsUsed: 1, history: [{ attempt: 1, passed: false, closedBy: 'timeout', timeTakenSeconds: 60 }] });
    expect((await client.get(`/api/learn/courses/${course.id}`)).body.enrollment.passedQuizIds).toEqual([]);

    // Within the limit (plus a moment's grace) it counts.
    const next = await client.post(`/api/learn/quizzes/${quiz.id}/attempts`);
    expect(next.body.attempt).toBe(2);
    t().clock.advance(62_000);
    const justInTime = await client.post(`/api/learn/submissions/${next.body.submissionId}/submit`, { answers: correctAnswers(quiz) });
    expect(justInTime.status).toBe(200);
    expect(justInTime.body.submission).toMatchObject({ passed: true, timeTakenSeconds: 60 });
  });

  it('closes an abandoned timed attempt when the learner comes back, so a new one can start', async () => {
    const course = await courseWithQuiz({ timeLimitSeconds: 30, maxAttempts: 2 });
    const quiz = course.quizzes[0];
    const { client } = await enrolled(course);
    const first = await client.post(`/api/learn/quizzes/${quiz.id}/attempts`);
    t().clock.advance(120_000);
    const second = await client.post(`/api/learn/quizzes/${quiz.id}/attempts`);
    expect(second.status).toBe(201);
    expect(second.body.attempt).toBe(2);
    expect(second.body.submissionId).not.toBe(first.body.submissionId);
  });

  it('raises progress when a required quiz is passed, not when it is failed or optional', async () => {
    const course = await createCourse(t().db, { lessons: 1, quizzes: [{ isRequired: true }, { isRequired: false }] });
    const [required, optional] = course.quizzes;
    const { client } = await enrolled(course);
    await client.post(`/api/learn/lessons/${course.lessonIds[0]}/complete`);
    const take = async (quiz: Quiz, answers: { questionId: string; optionIds: string[] }[]) => {
      const { body } = await client.post(`/api/learn/quizzes/${quiz.id}/attempts`);
      return client.post(`/api/learn/submissions/${body.submissionId}/submit`, { answers });
    };
    const before = t().relay.events.length;
    const failed = await take(required, wrongAnswers(required));
    expect(failed.body.enrollment).toMatchObject({ progress: 50, passedQuizIds: [] });
    expect(t().relay.events.length).toBe(before);

    const optionalPass = await take(optional, correctAnswers(optional));
    expect(optionalPass.body.enrollment).toMatchObject({ progress: 50, passedQuizIds: [optional.id] });

    const passed = await take(required, correctAnswers(required));
    expect(passed.body.submission.passed).toBe(true);
    expect(passed.body.enrollment).toMatchObject({ progress: 100, completedAt: expect.any(String) });
    expect(t().relay.events).toContainEqual({ name: 'enrollment.updated', payload: expect.objectContaining({ id: passed.body.enrollment.id, progress: 100 }) });
    const learn = await client.get(`/api/learn/courses/${course.id}`);
    expect(learn.body.chapters[0].items.find((i: { id: string }) => i.id === required.id).done).toBe(true);
  });

  it('keeps a learner’s attempts their own', async () => {
    const course = await courseWithQuiz({});
    const { client } = await enrolled(course);
    const { client: other } = await enrolled(course);
    const { body: attempt } = await client.post(`/api/learn/quizzes/${course.quizzes[0].id}/attempts`);
    const stolen = await other.post(`/api/learn/submissions/${attempt.submissionId}/submit`, { answers: [] });
    expect(stolen.status).toBe(403);
    const outsider = await signIn(t().client(), await createUser(t().db));
    expect((await outsider.get(`/api/learn/quizzes/${course.quizzes[0].id}`)).body.error.code).toBe('not_enrolled');
    expect((await outsider.post(`/api/learn/quizzes/${course.quizzes[0].id}/attempts`)).status).toBe(403);
  });
});
