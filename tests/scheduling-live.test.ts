import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config.ts';
import { startServer, type RunningServer } from '../server/index.ts';
import { createLogger } from '../server/logger.ts';
import type { CertificateRequestDto } from '../server/modules/scheduling/dto.ts';
import type { WatchReply } from '../server/realtime/events.ts';
import { useTestDatabase } from './support/database.ts';
import { createUser } from './support/factories.ts';
import { HttpClient } from './support/http.ts';
import { enrolledLearner, sessionFor, setUpEvaluation, type Harness } from './support/scheduling.ts';
import { connectSocket, nextEvent, type TestSocket } from './support/socket.ts';

describe('scheduling: the live slot board over sockets', () => {
  const database = useTestDatabase();
  let server: RunningServer;
  let url: string;
  const sockets: TestSocket[] = [];
  const harness: Harness = { db: undefined as never, client: () => new HttpClient(url) };
  const open = async (client: HttpClient) => {
    const { socket, ready } = await connectSocket(url, client.cookie);
    sockets.push(socket);
    return { socket, ready };
  };
  const watchBoard = (socket: TestSocket, courseId: string) => socket.emitWithAck('watch', { kind: 'board', id: courseId }) as Promise<WatchReply>;

  beforeAll(async () => {
    server = await startServer({ config: loadConfig({ DATABASE_URL: database().url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }), log: createLogger('silent') });
    url = `http://127.0.0.1:${server.port}`;
    harness.db = database().db;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.stop();
  });

  it('shows a booking and a cancellation at once on other learners’ boards and the evaluator’s, and the request only to those it concerns', async () => {
    const { course, evaluators } = await setUpEvaluation(harness);
    const evaluator = evaluators[0];
    const [learnerA, learnerB] = [await enrolledLearner(harness, course), await enrolledLearner(harness, course)];
    const stranger = await sessionFor(harness, await createUser(harness.db));
    const moderator = await sessionFor(harness, await createUser(harness.db, { roles: ['moderator'] }));

    const boardB = (await open(learnerB.client)).socket;
    const tabA = (await open(learnerA.client)).socket;
    const evaluatorSocket = await open(evaluator.client);
    const strangerSocket = (await open(stranger)).socket;
    const staffSocket = (await open(moderator)).socket;
    expect(evaluatorSocket.ready.rooms).toContain(`evaluator:${evaluator.user.id}`);
    expect(await watchBoard(boardB, course.id)).toEqual({ ok: true, room: `board:${course.id}` });
    expect(await watchBoard(evaluatorSocket.socket, course.id)).toMatchObject({ ok: true });
    expect(await watchBoard(strangerSocket, course.id)).toEqual({ ok: false, error: 'forbidden' });
    const heardByB: CertificateRequestDto[] = [];
    boardB.on('certificateRequest.updated', (request) => heardByB.push(request));

    const { body: board } = await learnerB.client.get(`/api/courses/${course.id}/slots`);
    const slot = board.slots[0];
    const onBoardB = nextEvent(boardB, 'board.changed');
    const onEvaluatorBoard = nextEvent(evaluatorSocket.socket, 'board.changed');
    const toEvaluator = nextEvent(evaluatorSocket.socket, 'certificateRequest.updated');
    const toLearnerA = nextEvent(tabA, 'certificateRequest.updated');
    const toStaff = nextEvent(staffSocket, 'certificateRequest.updated');
    const booked = await learnerA.client.post(`/api/courses/${course.id}/certificate-requests`, { startsAt: slot.startsAt });
    expect(booked.status).toBe(201);
    const change = { courseId: course.id, evaluatorId: evaluator.user.id, startsAt: slot.startsAt, endsAt: slot.endsAt, state: 'booked', requestId: booked.body.id };
    expect(await onBoardB).toMatchObject(change);
    expect(await onEvaluatorBoard).toMatchObject(change);
    for (const heard of [await toEvaluator, await toLearnerA, await toStaff]) expect(heard).toEqual(booked.body);
    // What the board shows after the event is what the database holds.
    const after = await learnerB.client.get(`/api/courses/${course.id}/slots`);
    expect(after.body.slots.map((s: { startsAt: string }) => s.startsAt)).not.toContain(slot.startsAt);

    const freed = nextEvent(boardB, 'board.changed');
    await learnerA.client.post(`/api/certificate-requests/${booked.body.id}/cancel`, {});
    expect(await freed).toMatchObject({ ...change, state: 'free' });
    await new Promise((r) => setTimeout(r, 300));
    expect(heardByB).toEqual([]);
  });
});
