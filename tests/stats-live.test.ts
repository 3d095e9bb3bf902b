import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config.ts';
import { startServer, type RunningServer } from '../server/index.ts';
import { createLogger } from '../server/logger.ts';
import { createCourse } from './support/courses.ts';
import { useTestDatabase } from './support/database.ts';
import { createUser } from './support/factories.ts';
import { HttpClient } from './support/http.ts';
import { enrolledLearner, sessionFor, setUpEvaluation } from './support/scheduling.ts';
import { connectSocket, nextEvent, type TestSocket } from './support/socket.ts';

describe('statistics: live', () => {
  const database = useTestDatabase();
  let server: RunningServer;
  let url: string;
  const sockets: TestSocket[] = [];
  const harness = () => ({ db: database().db, client: () => new HttpClient(url) });

  beforeAll(async () => {
    server = await startServer({ config: loadConfig({ DATABASE_URL: database().url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }), log: createLogger('silent') });
    url = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.stop();
  });

  it('tells a moderator’s dashboard socket about progress and bookings, and the next snapshot shows them', async () => {
    const moderator = await sessionFor(harness(), await createUser(database().db, { roles: ['moderator'] }));
    const { socket, ready } = await connectSocket(url, moderator.cookie);
    sockets.push(socket);
    expect(ready.rooms).toContain('dashboard');
    const before = (await moderator.get('/api/stats/overview')).body;

    const course = await createCourse(database().db, { lessons: 2 });
    const learner = await sessionFor(harness(), await createUser(database().db));
    const enrolled = nextEvent(socket, 'enrollment.updated');
    await learner.post(`/api/courses/${course.id}/enroll`);
    expect(await enrolled).toMatchObject({ courseId: course.id, progress: 0 });
    const progressed = nextEvent(socket, 'enrollment.updated');
    await learner.post(`/api/learn/lessons/${course.lessonIds[0]}/complete`);
    expect(await progressed).toMatchObject({ courseId: course.id, progress: 50 });
    const afterProgress = (await moderator.get('/api/stats/overview')).body;
    expect(afterProgress.totals.activeEnrollments).toBe(before.totals.activeEnrollments + 1);
    expect(afterProgress.progress.find((b: { band: string }) => b.band === '26-50').learners).toBe(1);

    const { course: evaluated } = await setUpEvaluation(harness());
    const booker = await enrolledLearner(harness(), evaluated);
    const { body: board } = await booker.client.get(`/api/courses/${evaluated.id}/slots`);
    const booked = nextEvent(socket, 'certificateRequest.updated');
    expect((await booker.client.post(`/api/courses/${evaluated.id}/certificate-requests`, { startsAt: board.slots[0].startsAt })).status).toBe(201);
    expect(await booked).toMatchObject({ courseId: evaluated.id, status: 'pending' });
    const afterBooking = (await moderator.get('/api/stats/overview')).body;
    expect(afterBooking.evaluations.byCourse).toEqual([expect.objectContaining({ courseId: evaluated.id, booked: 1 })]);
  });

  it('lets a course’s instructor hear its learners through the course room, and may not watch another course’s', async () => {
    const owner = await createUser(database().db, { roles: ['course_creator'] });
    const course = await createCourse(database().db, { ownerId: owner.id, lessons: 1 });
    const instructor = await sessionFor(harness(), owner);
    const { socket } = await connectSocket(url, instructor.cookie);
    sockets.push(socket);
    expect(await socket.emitWithAck('watch', { kind: 'course', id: course.id })).toMatchObject({ ok: true });
    const foreign = await createCourse(database().db, { lessons: 1 });
    expect(await socket.emitWithAck('watch', { kind: 'course', id: foreign.id })).toEqual({ ok: false, error: 'forbidden' });
    expect((await instructor.get(`/api/courses/${foreign.id}/dashboard`)).status).toBe(403);
    const learner = await sessionFor(harness(), await createUser(database().db, { name: 'Live learner' }));
    const heard = nextEvent(socket, 'enrollment.updated');
    await learner.post(`/api/courses/${course.id}/enroll`);
    expect(await heard).toMatchObject({ courseId: course.id });
    const { body } = await instructor.get(`/api/courses/${course.id}/dashboard`);
    expect(body.learners.map((l: { name: string }) => l.name)).toEqual(['Live learner']);
  });

  it('frees the database when downloads are abandoned half-way: after more abandoned exports than the pool has connections, a full one still arrives', async () => {
    const db = database().db;
    const courses = await Promise.all(Array.from({ length: 10 }, () => createCourse(db, { lessons: 1 })));
    await database().sql`
      insert into users (email, name, password_hash) select 'bulk' || i || '@example.test', 'Bulk ' || i, 'x' from generate_series(1, 2000) i`;
    await database().sql`
      insert into enrollments (user_id, course_id, source)
      select u.id, c, 'staff' from users u cross join unnest(${courses.map((c) => c.id)}::uuid[]) c where u.email like 'bulk%@example.test'`;
    const moderator = await sessionFor(harness(), await createUser(db, { roles: ['moderator'] }));
    const exportUrl = `${url}/api/stats/exports/enrollments.csv`;
    for (let i = 0; i < 25; i++) {
      const controller = new AbortController();
      const response = await fetch(exportUrl, { headers: { cookie: moderator.cookie! }, signal: controller.signal });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
      await reader.read().catch(() => undefined);
    }
    const full = await fetch(exportUrl, { headers: { cookie: moderator.cookie! } });
    const text = await full.text();
    expect(text.trimEnd().split('\r\n').length - 1).toBeGreaterThanOrEqual(20_000);
  });
});
