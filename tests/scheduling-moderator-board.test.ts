import { afterEach, describe, expect, it } from 'vitest';
import type { EvaluatorBoardsDto } from '../server/modules/scheduling/dto.ts';
import { useTestApp } from './support/app.ts';
import { createUser } from './support/factories.ts';
import { enrolledLearner, sessionFor, setClock, setUpEvaluation, type Person } from './support/scheduling.ts';

describe('scheduling: moderators’ boards of every evaluator', () => {
  const t = useTestApp();
  afterEach(() => t().clock.reset());

  const at = (time: string) => `2027-02-08T${time}:00.000Z`;

  /** Two evaluators with Monday 09:00–11:00 UTC and every later day off: four slots each in the whole window. */
  async function twoEvaluators() {
    const setup = await setUpEvaluation(t(), { evaluators: 2, weekly: [{ weekday: 1, start: '09:00', end: '11:00' }] });
    for (const evaluator of setup.evaluators) {
      await evaluator.client.post(`/api/evaluators/${evaluator.user.id}/unavailability`, { startsOn: '2027-02-09', endsOn: '2027-12-31', reason: 'Off' });
    }
    setClock(t().clock, '2027-02-04T12:00:00Z');
    return setup;
  }
  const book = async (learner: Person, courseId: string, startsAt: string) => {
    const answer = await learner.client.post(`/api/courses/${courseId}/certificate-requests`, { startsAt });
    expect(answer.status).toBe(201);
    return answer.body as { id: string; evaluatorId: string };
  };
  const countsOf = (boards: EvaluatorBoardsDto) => Object.fromEntries(boards.evaluators.map((e) => [e.evaluatorId, e.counts]));

  it('counts booked, free and completed (passed, failed) per evaluator and in total, as the database has them', async () => {
    const { course, moderator, evaluators } = await twoEvaluators();
    const [a, b] = evaluators.map((e) => e.user.id);
    const url = `/api/scheduling/boards?courseId=${course.id}`;

    const empty = await moderator.client.get(url);
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ scope: { kind: 'course', id: course.id }, courseIds: [course.id] });
    expect(empty.body.evaluators.map((e: { evaluatorId: string; configured: boolean }) => [e.evaluatorId, e.configured]).sort()).toEqual([[a, true], [b, true]].sort());
    expect(empty.body.totals).toEqual({ booked: 0, free: 8, completed: 0, passed: 0, failed: 0 });

    const learners = [await enrolledLearner(t(), course), await enrolledLearner(t(), course), await enrolledLearner(t(), course)];
    const requests = [await book(learners[0], course.id, at('09:00')), await book(learners[1], course.id, at('09:00')), await book(learners[2], course.id, at('10:00'))];
    const byEvaluator = (id: string) => requests.filter((r) => r.evaluatorId === id).length;
    const booked = (await moderator.client.get(url)).body as EvaluatorBoardsDto;
    expect(countsOf(booked)).toEqual({
      [a]: { booked: byEvaluator(a), free: 4 - byEvaluator(a), completed: 0, passed: 0, failed: 0 },
      [b]: { booked: byEvaluator(b), free: 4 - byEvaluator(b), completed: 0, passed: 0, failed: 0 },
    });
    expect(booked.totals).toEqual({ booked: 3, free: 5, completed: 0, passed: 0, failed: 0 });

    // A cancellation frees its slot; completions move requests from booked to completed.
    await learners[2].client.post(`/api/certificate-requests/${requests[2].id}/cancel`, {});
    expect(((await moderator.client.get(url)).body as EvaluatorBoardsDto).totals).toMatchObject({ booked: 2, free: 6 });
    setClock(t().clock, at('09:40'));
    expect((await moderator.client.post(`/api/certificate-requests/${requests[0].id}/complete`, { outcome: 'pass' })).status).toBe(200);
    expect((await moderator.client.post(`/api/certificate-requests/${requests[1].id}/complete`, { outcome: 'fail' })).status).toBe(200);
    const done = (await moderator.client.get(url)).body as EvaluatorBoardsDto;
    // The day is past the notice now: nothing is free any more.
    expect(done.totals).toEqual({ booked: 0, free: 0, completed: 2, passed: 1, failed: 1 });
    expect(countsOf(done)[requests[0].evaluatorId]).toMatchObject({ completed: 1, passed: 1 });
    expect(countsOf(done)[requests[1].evaluatorId]).toMatchObject({ completed: 1, failed: 1 });
  });

  it('shows a cohort’s evaluators with only the cohort’s requests, and free slots until its evaluation end', async () => {
    const { course, moderator, evaluators } = await twoEvaluators();
    const [first, second] = evaluators;
    // Second evaluator gets every later Monday back, but the cohort's evaluation ends on 8 February.
    const days = await second.client.get(`/api/evaluators/${second.user.id}/unavailability`);
    await second.client.delete(`/api/evaluators/${second.user.id}/unavailability/${days.body.unavailability[0].id}`);
    const cohort = await moderator.client.post('/api/cohorts', { title: 'Spring cohort', startsOn: '2027-01-04', endsOn: '2027-03-31', timezone: 'UTC', evaluationEndsOn: '2027-02-08' });
    expect(cohort.status).toBe(201);
    expect((await moderator.client.put(`/api/cohorts/${cohort.body.id}/courses`, { courses: [{ courseId: course.id, evaluatorId: second.user.id }] })).status).toBe(200);
    const member = await enrolledLearner(t(), course);
    expect((await moderator.client.post(`/api/cohorts/${cohort.body.id}/members`, { userIds: [member.user.id] })).status).toBeLessThan(300);
    const outsider = await enrolledLearner(t(), course);
    expect((await book(member, course.id, at('09:00'))).evaluatorId).toBe(second.user.id);
    // The outsider is offered both evaluators; the server balances them onto the first.
    expect((await book(outsider, course.id, at('10:00'))).evaluatorId).toBe(first.user.id);

    const boards = (await moderator.client.get(`/api/scheduling/boards?cohortId=${cohort.body.id}`)).body as EvaluatorBoardsDto;
    expect(boards.scope).toEqual({ kind: 'cohort', id: cohort.body.id, title: 'Spring cohort' });
    expect(boards.evaluators.map((e) => e.evaluatorId)).toEqual([second.user.id]);
    // Its member's booking counts, and the three 8 February slots left on its evaluator: later Mondays are past the cohort's end.
    expect(boards.totals).toEqual({ booked: 1, free: 3, completed: 0, passed: 0, failed: 0 });
    const courseBoards = (await moderator.client.get(`/api/scheduling/boards?courseId=${course.id}`)).body as EvaluatorBoardsDto;
    expect(courseBoards.evaluators.map((e) => e.evaluatorId).sort()).toEqual([first.user.id, second.user.id].sort());
    expect(courseBoards.totals.booked).toBe(2);
  });

  it('shows the boards to staff and the course’s owner only, and wants one scope', async () => {
    const { course, evaluators } = await twoEvaluators();
    const learner = await enrolledLearner(t(), course);
    const url = `/api/scheduling/boards?courseId=${course.id}`;
    expect((await learner.client.get(url)).status).toBe(403);
    expect((await evaluators[0].client.get(url)).status).toBe(403);
    const owner = await sessionFor(t(), { id: course.ownerId } as never);
    expect((await owner.get(url)).status).toBe(200);
    const manager = await sessionFor(t(), await createUser(t().db, { roles: ['system_manager'] }));
    expect((await manager.get(url)).status).toBe(200);
    expect((await manager.get('/api/scheduling/boards')).status).toBe(400);
    expect((await manager.get(`/api/scheduling/boards?courseId=${course.id}&cohortId=${course.id}`)).status).toBe(400);
    expect((await manager.get(`/api/scheduling/boards?courseId=${crypto.randomUUID()}`)).status).toBe(404);
    // Documented with the rest of the API.
    const doc = await t().client().get('/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/scheduling/boards', '/courses/{id}/waitlist', '/courses/{id}/evaluation-rubric', '/certificate-requests/{id}/complete']));
  });

  it('keeps counts live through the board events: a booking and a completion each announce themselves', async () => {
    const { course, moderator } = await twoEvaluators();
    const learner = await enrolledLearner(t(), course);
    const request = await book(learner, course.id, at('09:30'));
    const changed = t().relay.events.filter((e) => e.name === 'board.changed' && e.payload.requestId === request.id);
    expect(changed.map((e) => e.name === 'board.changed' && e.payload.courseIds.includes(course.id))).toEqual([true]);
    setClock(t().clock, at('09:30'));
    await moderator.client.post(`/api/certificate-requests/${request.id}/complete`, { outcome: 'pass' });
    const completed = t().relay.events.filter((e) => e.name === 'certificateRequest.updated' && e.payload.id === request.id).at(-1);
    expect(completed?.payload).toMatchObject({ courseId: course.id, status: 'completed', outcome: 'pass' });
  });
});
