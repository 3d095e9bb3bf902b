import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config.ts';
import { startServer, type RunningServer } from '../server/index.ts';
import { createLogger } from '../server/logger.ts';
import type { EnrollmentDto } from '../server/modules/enrollment/dto.ts';
import type { WatchReply } from '../server/realtime/events.ts';
import { createCourse } from './support/courses.ts';
import { useTestDatabase } from './support/database.ts';
import { createUser, signIn } from './support/factories.ts';
import { HttpClient } from './support/http.ts';
import { connectSocket, nextEvent, type TestSocket } from './support/socket.ts';

describe('live progress: who hears what', () => {
  const database = useTestDatabase();
  let server: RunningServer;
  let url: string;
  const sockets: TestSocket[] = [];
  const open = async (cookie?: string) => {
    const { socket } = await connectSocket(url, cookie);
    sockets.push(socket);
    return socket;
  };
  const watch = (socket: TestSocket, kind: 'course' | 'cohort', id: string) => socket.emitWithAck('watch', { kind, id }) as Promise<WatchReply>;

  beforeAll(async () => {
    server = await startServer({ config: loadConfig({ DATABASE_URL: database().url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }), log: createLogger('silent') });
    url = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.stop();
  });

  it('pushes a completed lesson to the learner’s other tabs, the course’s instructors, the cohort dashboard and moderators, and to no other learner', async () => {
    const db = database().db;
    const owner = await createUser(db, { roles: ['course_creator'] });
    const course = await createCourse(db, { lessons: 4, ownerId: owner.id });
    const learner = await createUser(db);
    const otherLearner = await createUser(db);
    const moderator = await createUser(db, { roles: ['moderator'] });
    const moderatorClient = await signIn(new HttpClient(url), moderator);
    const { body: cohort } = await moderatorClient.post('/api/cohorts', { title: 'Live', startsOn: '2026-01-01', endsOn: '2026-12-31', timezone: 'UTC' });
    await moderatorClient.put(`/api/cohorts/${cohort.id}/courses`, { courses: [{ courseId: course.id, evaluatorId: null }] });
    await moderatorClient.post(`/api/cohorts/${cohort.id}/members`, { userIds: [learner.id, otherLearner.id] });

    const learnerTab1 = await signIn(new HttpClient(url), learner);
    const learnerTab2 = await open((await signIn(new HttpClient(url), learner)).cookie);
    const stranger = await open((await signIn(new HttpClient(url), otherLearner)).cookie);
    const instructor = await open((await signIn(new HttpClient(url), owner)).cookie);
    const dashboard = await open(moderatorClient.cookie);

    expect(await watch(instructor, 'course', course.id)).toMatchObject({ ok: true });
    expect(await watch(dashboard, 'cohort', cohort.id)).toMatchObject({ ok: true });
    // A learner may not listen to the course's or the cohort's rooms.
    expect(await watch(stranger, 'course', course.id)).toEqual({ ok: false, error: 'forbidden' });
    expect(await watch(stranger, 'cohort', cohort.id)).toEqual({ ok: false, error: 'forbidden' });
    const strangerHeard: EnrollmentDto[] = [];
    stranger.on('enrollment.updated', (enrollment) => strangerHeard.push(enrollment));

    const inTab2 = nextEvent(learnerTab2, 'enrollment.updated');
    const atInstructor = nextEvent(instructor, 'enrollment.updated');
    const atDashboard = nextEvent(dashboard, 'enrollment.updated');
    const response = await learnerTab1.post(`/api/learn/lessons/${course.lessonIds[0]}/complete`);
    expect(response.status).toBe(200);
    for (const heard of [await inTab2, await atInstructor, await atDashboard]) {
      expect(heard).toMatchObject({ userId: learner.id, courseId: course.id, progress: 25, cohortIds: [cohort.id] });
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(strangerHeard.filter((e) => e.userId === learner.id)).toEqual([]);
  });
});
