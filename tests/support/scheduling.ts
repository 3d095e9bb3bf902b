import { createSession } from '../../server/auth/session.ts';
import type { Database } from '../../server/db/client.ts';
import { createCourse, type TestCourse, type TestQuizSpec } from './courses.ts';
import { createUser, type TestUser } from './factories.ts';
import type { HttpClient } from './http.ts';

/** What the scheduling helpers need: the database and a way to open a browser (in-process app or a real server). */
export interface Harness {
  db: Database;
  client(): HttpClient;
}

export interface Person {
  user: TestUser;
  client: HttpClient;
}

export interface WeeklyRangeInput {
  weekday: number;
  start: string;
  end: string;
}

/** Every day of the week, all day: slots everywhere, for tests about something else than hours. */
export const allWeek: WeeklyRangeInput[] = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));

/** A signed-in browser for `user`, through a session row (no password hashing); valid for a year of moved clocks. */
export async function sessionFor(harness: Harness, user: TestUser): Promise<HttpClient> {
  const { token } = await createSession(harness.db, { userId: user.id, lifetimeDays: 800 });
  const client = harness.client();
  client.cookie = `session=${token}`;
  return client;
}

async function expectStatus<T>(what: string, status: number, response: Promise<{ status: number; body: T }>): Promise<T> {
  const answer = await response;
  if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export interface EvaluationSetup {
  course: TestCourse;
  moderator: Person;
  evaluators: Person[];
}

/**
 * A published course that requires an evaluation, with `evaluators` mapped to it by a moderator,
 * each having saved the same weekly hours in `timezone`.
 * @example const { course, evaluators } = await setUpEvaluation(t(), { timezone: 'Europe/Berlin', weekly: [{ weekday: 7, start: '09:00', end: '12:00' }] });
 */
export async function setUpEvaluation(
  harness: Harness,
  options: { evaluators?: number; timezone?: string; weekly?: WeeklyRangeInput[]; slotMinutes?: number; bufferMinutes?: number; lessons?: number; quizzes?: TestQuizSpec[]; meetingLink?: string | null } = {},
): Promise<EvaluationSetup> {
  const course = await createCourse(harness.db, {
    lessons: options.lessons ?? 1,
    quizzes: options.quizzes,
    settings: { enableCertification: true, evaluationRequired: true, evaluationSlotMinutes: options.slotMinutes ?? 30 },
  });
  const moderatorUser = await createUser(harness.db, { roles: ['moderator'] });
  const moderator = { user: moderatorUser, client: await sessionFor(harness, moderatorUser) };
  const evaluatorUsers: TestUser[] = [];
  for (let i = 0; i < (options.evaluators ?? 1); i++) evaluatorUsers.push(await createUser(harness.db, { roles: ['student'], name: `Evaluator ${i + 1}`, timezone: options.timezone ?? 'UTC' }));
  await expectStatus('map evaluators', 200, moderator.client.put(`/api/courses/${course.id}/evaluators`, { userIds: evaluatorUsers.map((u) => u.id) }));
  const evaluators: Person[] = [];
  for (const user of evaluatorUsers) {
    const client = await sessionFor(harness, user);
    await saveHours(client, user.id, { timezone: options.timezone ?? 'UTC', weekly: options.weekly ?? allWeek, bufferMinutes: options.bufferMinutes ?? 0, meetingLink: options.meetingLink === undefined ? 'https://meet.example.test/eval' : options.meetingLink });
    evaluators.push({ user, client });
  }
  return { course, moderator, evaluators };
}

export async function saveHours(client: HttpClient, evaluatorId: string, body: { timezone: string; weekly: WeeklyRangeInput[]; bufferMinutes?: number; meetingLink?: string | null; slotMinutesByCourse?: Record<string, number> }) {
  return expectStatus('save availability', 200, client.put(`/api/evaluators/${evaluatorId}/availability`, body));
}

/** A learner enrolled in the course who has completed every lesson (and so may book when it has no required quiz). */
export async function enrolledLearner(harness: Harness, course: TestCourse, options: { complete?: boolean; timezone?: string } = {}): Promise<Person> {
  const user = await createUser(harness.db, { timezone: options.timezone ?? 'UTC' });
  const client = await sessionFor(harness, user);
  await expectStatus('enrol', 201, client.post(`/api/courses/${course.id}/enroll`));
  if (options.complete ?? true) {
    for (const lessonId of course.lessonIds) await expectStatus('complete a lesson', 200, client.post(`/api/learn/lessons/${lessonId}/complete`));
  }
  return { user, client };
}

/** Moves a test clock to `instant` (it keeps ticking from there). */
export function setClock(clock: { reset(): void; advance(ms: number): void }, instant: string): void {
  clock.reset();
  clock.advance(Date.parse(instant) - Date.now());
}
