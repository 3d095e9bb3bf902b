import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config.ts';
import { startServer, type RunningServer } from '../server/index.ts';
import { createLogger } from '../server/logger.ts';
import { certificationCourse, learnerIn } from './support/certificates.ts';
import { useTestDatabase } from './support/database.ts';
import { createUser } from './support/factories.ts';
import { HttpClient } from './support/http.ts';
import { sessionFor, type Harness } from './support/scheduling.ts';
import { connectSocket, type TestSocket } from './support/socket.ts';
import { waitUntil } from './support/wait.ts';

describe('certificates over sockets', () => {
  const database = useTestDatabase();
  let server: RunningServer;
  let url: string;
  const sockets: TestSocket[] = [];
  const harness: Harness = { db: undefined as never, client: () => new HttpClient(url) };
  /** A socket for `client` that keeps every certificate event it hears, in order. */
  const listen = async (client: HttpClient) => {
    const { socket } = await connectSocket(url, client.cookie);
    sockets.push(socket);
    const heard: { name: string; payload: any }[] = [];
    for (const name of ['certificate.updated', 'certification.updated', 'certificateBatch.progress'] as const) {
      socket.on(name, (payload: unknown) => heard.push({ name, payload }));
    }
    return heard;
  };

  beforeAll(async () => {
    server = await startServer({ config: loadConfig({ DATABASE_URL: database().url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }), log: createLogger('silent') });
    url = `http://127.0.0.1:${server.port}`;
    harness.db = database().db;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.stop();
  });

  it('shows the learner their certificate arrive after Get Certified, and nobody else', async () => {
    const course = await certificationCourse(harness.db);
    const learner = await learnerIn(harness, course);
    const other = await learnerIn(harness, course);
    const mine = await listen(learner.client);
    const theirs = await listen(other.client);

    expect((await learner.client.post(`/api/courses/${course.id}/certification`)).status).toBe(202);
    const arrived = await waitUntil(() => mine.find((e) => e.name === 'certificate.updated'), 20_000, 'certificate.updated');
    expect(arrived.payload.certificate).toMatchObject({ memberId: learner.user.id, courseId: course.id, status: 'valid' });
    expect(mine[0]).toMatchObject({ name: 'certification.updated', payload: { memberId: learner.user.id, state: { pending: true, certificate: null } } });
    const issuedState = mine.find((e) => e.name === 'certification.updated' && e.payload.state.certificate);
    expect(issuedState!.payload.state).toMatchObject({ pending: false, certificate: { id: arrived.payload.certificate.id } });
    expect(mine.findIndex((e) => e === issuedState)).toBeLessThan(mine.findIndex((e) => e === arrived));
    expect(theirs).toEqual([]);
  });

  it('tells the moderator who started a bulk issuance how it goes, until finished', async () => {
    const moderatorUser = await createUser(harness.db, { roles: ['moderator'] });
    const moderator = await sessionFor(harness, moderatorUser);
    const otherModerator = await sessionFor(harness, await createUser(harness.db, { roles: ['moderator'] }));
    const course = await certificationCourse(harness.db, { lessons: 1 });
    const { body: cohort } = await moderator.post('/api/cohorts', { title: 'Graduates', startsOn: '2026-01-05', endsOn: '2026-06-30', timezone: 'UTC' });
    await moderator.put(`/api/cohorts/${cohort.id}/courses`, { courses: [{ courseId: course.id }] });
    const members = await Promise.all(Array.from({ length: 3 }, () => createUser(harness.db)));
    await moderator.post(`/api/cohorts/${cohort.id}/members`, { userIds: members.map((m) => m.id) });
    for (const member of members) await (await sessionFor(harness, member)).post(`/api/learn/lessons/${course.lessonIds[0]}/complete`);
    const heard = await listen(moderator);
    const overheard = await listen(otherModerator);

    const started = await moderator.post('/api/certificates/bulk', { cohortId: cohort.id, courseId: course.id });
    expect(started.body).toMatchObject({ eligible: 3, skipped: 0 });
    const finished = await waitUntil(() => heard.find((e) => e.name === 'certificateBatch.progress' && e.payload.finished), 30_000, 'the batch to finish');
    expect(finished.payload).toMatchObject({ batchId: started.body.batchId, total: 3, done: 3, issued: 3 });
    const done = heard.filter((e) => e.name === 'certificateBatch.progress').map((e) => e.payload.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(overheard.filter((e) => e.name === 'certificateBatch.progress')).toEqual([]);
    // Both moderators are staff: the dashboard hears each new certificate.
    await waitUntil(() => (overheard.filter((e) => e.name === 'certificate.updated').length >= 3 ? true : undefined), 10_000, 'certificates on the dashboard');
  });
});
