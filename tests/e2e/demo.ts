import { expect } from 'vitest';
import { HttpClient } from '../support/http.ts';

/** A demo account signed in over the API (password `demo-password`), with its user id. */
export async function signedIn(baseUrl: string, email: string): Promise<{ client: HttpClient; id: string }> {
  const client = new HttpClient(baseUrl);
  const response = await client.post('/api/auth/login', { email, password: 'demo-password' });
  expect(response.status).toBe(200);
  return { client, id: response.body.user.id };
}

export interface DemoEvaluationCourse {
  courseId: string;
  courseTitle: string;
  lessonIds: string[];
  quizId: string;
  /** The quiz as its author sees it, answers included. */
  quiz: { questions: { id: string; options: { id: string; isCorrect: boolean }[] }[] };
}

/** The demo course that needs an evaluation (Data Protection Essentials; its cohort's evaluator is Eva), read as its author. */
export async function demoEvaluationCourse(baseUrl: string): Promise<DemoEvaluationCourse> {
  const creator = await signedIn(baseUrl, 'creator@demo.test');
  const { body: authored } = await creator.client.get('/api/courses?search=Data%20Protection');
  const courseId: string = authored.courses[0].id;
  const { body: outline } = await creator.client.get(`/api/courses/${courseId}`);
  const items: { kind: string; id: string }[] = outline.chapters.flatMap((c: { items: { kind: string; id: string }[] }) => c.items);
  const quizId = items.find((i) => i.kind === 'quiz')!.id;
  const { body: quiz } = await creator.client.get(`/api/quizzes/${quizId}`);
  return { courseId, courseTitle: authored.courses[0].title, lessonIds: items.filter((i) => i.kind === 'lesson').map((i) => i.id), quizId, quiz };
}

/** Eva offers evaluations every day from 08:00 to 20:00 Berlin time. */
export async function openEvaluatorHours(baseUrl: string): Promise<void> {
  const eva = await signedIn(baseUrl, 'evaluator@demo.test');
  const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '20:00' }));
  expect((await eva.client.put(`/api/evaluators/${eva.id}/availability`, { timezone: 'Europe/Berlin', weekly, bufferMinutes: 0, meetingLink: 'https://meet.example.test/eva' })).status).toBe(200);
}

/** A demo learner finishes the course's lessons and passes its quiz, through the API. */
export async function finishCourse(baseUrl: string, email: string, course: DemoEvaluationCourse): Promise<{ client: HttpClient; id: string }> {
  const learner = await signedIn(baseUrl, email);
  for (const lessonId of course.lessonIds) expect((await learner.client.post(`/api/learn/lessons/${lessonId}/complete`)).status).toBe(200);
  const attempt = await learner.client.post(`/api/learn/quizzes/${course.quizId}/attempts`);
  const answers = course.quiz.questions.map((q) => ({ questionId: q.id, optionIds: q.options.filter((o) => o.isCorrect).map((o) => o.id) }));
  const submitted = await learner.client.post(`/api/learn/submissions/${attempt.body.submissionId}/submit`, { answers });
  expect(submitted.body.submission.passed).toBe(true);
  return learner;
}
