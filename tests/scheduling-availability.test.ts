import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.ts';
import { createCourse } from './support/courses.ts';
import { createUser } from './support/factories.ts';
import { enrolledLearner, saveHours, sessionFor, setUpEvaluation } from './support/scheduling.ts';

describe('scheduling: evaluators and their availability', () => {
  const t = useTestApp();

  it('lets a moderator map evaluators to a course, which makes them batch evaluators, and nobody else', async () => {
    const course = await createCourse(t().db, { settings: { enableCertification: true, evaluationRequired: true } });
    const moderator = await sessionFor(t(), await createUser(t().db, { roles: ['moderator'] }));
    const person = await createUser(t().db, { name: 'Ada Evaluator', timezone: 'Europe/Berlin' });
    const learner = await enrolledLearner(t(), course);

    expect((await learner.client.put(`/api/courses/${course.id}/evaluators`, { userIds: [person.id] })).status).toBe(403);
    const mapped = await moderator.put(`/api/courses/${course.id}/evaluators`, { userIds: [person.id] });
    expect(mapped.status).toBe(200);
    expect(mapped.body.evaluators).toEqual([{ id: person.id, name: 'Ada Evaluator', email: person.email, timezone: 'Europe/Berlin' }]);
    const roleEvent = t().relay.events.find((e) => e.name === 'user.updated' && e.payload.id === person.id);
    expect(roleEvent?.payload).toMatchObject({ roles: expect.arrayContaining(['batch_evaluator', 'student']) });

    // The evaluator sees the course's evaluators and the course among theirs; a learner may not list them.
    const evaluator = await sessionFor(t(), person);
    expect((await evaluator.get(`/api/courses/${course.id}/evaluators`)).status).toBe(200);
    expect((await learner.client.get(`/api/courses/${course.id}/evaluators`)).status).toBe(403);
    const availability = await evaluator.get(`/api/evaluators/${person.id}/availability`);
    expect(availability.body).toMatchObject({ configured: false, timezone: 'Europe/Berlin', weekly: [], courses: [{ courseId: course.id, slotMinutes: 30, defaultSlotMinutes: 30 }] });

    expect((await moderator.put(`/api/courses/${course.id}/evaluators`, { userIds: [] })).body.evaluators).toEqual([]);
    expect((await moderator.put(`/api/courses/${course.id}/evaluators`, { userIds: ['00000000-0000-4000-8000-000000000000'] })).status).toBe(404);
  });

  it('saves weekly hours, buffer, meeting link and slot lengths on the evaluator’s own page; staff may edit, others may not', async () => {
    const { course, evaluators, moderator } = await setUpEvaluation(t());
    const [{ user, client }] = evaluators;
    const saved = await saveHours(client, user.id, {
      timezone: 'America/New_York',
      bufferMinutes: 10,
      meetingLink: 'https://meet.example.test/ada',
      weekly: [
        { weekday: 1, start: '09:00', end: '12:00' },
        { weekday: 1, start: '13:00', end: '17:30' },
        { weekday: 5, start: '20:00', end: '24:00' },
      ],
      slotMinutesByCourse: { [course.id]: 45 },
    });
    expect(saved).toMatchObject({
      configured: true,
      timezone: 'America/New_York',
      bufferMinutes: 10,
      meetingLink: 'https://meet.example.test/ada',
      weekly: [
        { weekday: 1, start: '09:00', end: '12:00' },
        { weekday: 1, start: '13:00', end: '17:30' },
        { weekday: 5, start: '20:00', end: '24:00' },
      ],
      courses: [{ courseId: course.id, slotMinutes: 45, defaultSlotMinutes: 30 }],
    });
    expect(t().relay.events.some((e) => e.name === 'board.refresh' && e.payload.evaluatorId === user.id && e.payload.courseIds.includes(course.id))).toBe(true);

    const byStaff = await moderator.client.put(`/api/evaluators/${user.id}/availability`, { timezone: 'UTC', weekly: [{ weekday: 2, start: '08:00', end: '10:00' }] });
    expect(byStaff.status).toBe(200);
    expect(byStaff.body).toMatchObject({ timezone: 'UTC', bufferMinutes: 0, meetingLink: null, weekly: [{ weekday: 2, start: '08:00', end: '10:00' }] });
    const otherEvaluator = await sessionFor(t(), await createUser(t().db, { roles: ['batch_evaluator'] }));
    expect((await otherEvaluator.get(`/api/evaluators/${user.id}/availability`)).status).toBe(403);
    expect((await otherEvaluator.put(`/api/evaluators/${user.id}/availability`, { timezone: 'UTC', weekly: [] })).status).toBe(403);
    // Someone who evaluates nothing has no availability to save.
    const student = await createUser(t().db);
    expect((await moderator.client.put(`/api/evaluators/${student.id}/availability`, { timezone: 'UTC', weekly: [] })).body.error.code).toBe('not_an_evaluator');
  });

  it('refuses overlapping ranges (the exclusion constraint decides), unknown zones and non-https links, and keeps the hours it had', async () => {
    const { evaluators } = await setUpEvaluation(t(), { weekly: [{ weekday: 3, start: '10:00', end: '11:00' }] });
    const [{ user, client }] = evaluators;
    const overlapping = await client.put(`/api/evaluators/${user.id}/availability`, {
      timezone: 'UTC',
      weekly: [
        { weekday: 1, start: '09:00', end: '12:00' },
        { weekday: 1, start: '11:30', end: '13:00' },
      ],
    });
    expect(overlapping.status).toBe(400);
    expect(overlapping.body.error).toMatchObject({ code: 'validation_failed', details: { issues: [{ path: 'weekly', message: '09:00–12:00 overlaps 11:30–13:00 on weekday 1' }] } });
    const back = await client.get(`/api/evaluators/${user.id}/availability`);
    expect(back.body.weekly).toEqual([{ weekday: 3, start: '10:00', end: '11:00' }]);
    // Back to back is not an overlap.
    expect((await client.put(`/api/evaluators/${user.id}/availability`, { timezone: 'UTC', weekly: [{ weekday: 1, start: '09:00', end: '12:00' }, { weekday: 1, start: '12:00', end: '13:00' }] })).status).toBe(200);

    // The database refuses overlaps whatever the application sends.
    await expect(
      t().db.execute(sql`insert into availability_ranges (evaluator_id, weekday, start_time, end_time) values (${user.id}, 1, '11:00', '12:30')`),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ code: '23P01' }) });

    for (const bad of [
      { timezone: 'Mars/Olympus_Mons', weekly: [] },
      { timezone: 'UTC', weekly: [{ weekday: 1, start: '12:00', end: '09:00' }] },
      { timezone: 'UTC', weekly: [{ weekday: 8, start: '09:00', end: '10:00' }] },
      { timezone: 'UTC', weekly: [{ weekday: 1, start: '9am', end: '10:00' }] },
      { timezone: 'UTC', weekly: [], meetingLink: 'http://meet.example.test/plain' },
      { timezone: 'UTC', weekly: [], bufferMinutes: 500 },
    ]) {
      const answer = await client.put(`/api/evaluators/${user.id}/availability`, bad);
      expect(answer.status, JSON.stringify(bad)).toBe(400);
      expect(answer.body.error.code).toBe('validation_failed');
    }
  });

  it('keeps days off with a reason, listed in order, removable by the evaluator', async () => {
    const { evaluators } = await setUpEvaluation(t());
    const [{ user, client }] = evaluators;
    const later = await client.post(`/api/evaluators/${user.id}/unavailability`, { startsOn: '2027-05-10', endsOn: '2027-05-14', reason: 'Conference' });
    expect(later.status).toBe(201);
    expect(later.body).toMatchObject({ startsOn: '2027-05-10', endsOn: '2027-05-14', reason: 'Conference' });
    await client.post(`/api/evaluators/${user.id}/unavailability`, { startsOn: '2027-04-01', endsOn: '2027-04-01' });
    expect((await client.post(`/api/evaluators/${user.id}/unavailability`, { startsOn: '2027-04-03', endsOn: '2027-04-02' })).status).toBe(400);
    const list = await client.get(`/api/evaluators/${user.id}/unavailability`);
    expect(list.body.unavailability.map((u: { startsOn: string }) => u.startsOn)).toEqual(['2027-04-01', '2027-05-10']);
    expect((await client.delete(`/api/evaluators/${user.id}/unavailability/${later.body.id}`)).status).toBe(204);
    expect((await client.delete(`/api/evaluators/${user.id}/unavailability/${later.body.id}`)).status).toBe(404);
    expect((await client.get(`/api/evaluators/${user.id}/unavailability`)).body.unavailability).toHaveLength(1);
  });
});
