import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { logIn, useBrowser } from './browser.ts';
import { demoEvaluationCourse, finishCourse, openEvaluatorHours, signedIn } from './demo.ts';

describe('evaluation outcomes and the moderators’ boards in the browser', () => {
  const { newPage, baseUrl } = useBrowser();
  const sql = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  afterAll(() => sql.end());

  /** The demo evaluation course, with Grace (a cohort member) through its lessons and quiz. */
  async function graceReady() {
    const course = await demoEvaluationCourse(baseUrl);
    const { courseId } = course;
    const grace = await finishCourse(baseUrl, 'grace@demo.test', course);
    return { courseId, grace };
  }

  it('the evaluator opens the request, scores it and records a pass; the learner sees it at once', async () => {
    const { courseId, grace } = await graceReady();
    const moderator = await signedIn(baseUrl, 'moderator@demo.test');
    expect((await moderator.client.put(`/api/courses/${courseId}/evaluation-rubric`, { criteria: [{ name: 'Explains the principles', maxScore: 10 }] })).status).toBe(200);
    const eva = await signedIn(baseUrl, 'evaluator@demo.test');
    // An evaluation that started five minutes ago (bookings need 12 hours' notice, so it is written straight in).
    const [request] = await sql<{ id: string }[]>`
      insert into certificate_requests (member_id, course_id, evaluator_id, starts_at, ends_at, learner_timezone, meeting_link)
      values (${grace.id}, ${courseId}, ${eva.id}, now() - interval '5 minutes', now() + interval '25 minutes', 'Asia/Shanghai', 'https://meet.example.test/grace')
      returning id`;

    const learner = await newPage();
    await logIn(learner, 'grace@demo.test');
    await learner.goto('/evaluations');
    const learnerRow = learner.locator(`[data-testid="my-request"][data-request-id="${request.id}"]`);
    await expect(learnerRow.getByTestId('request-status').textContent()).resolves.toBe('Booked');
    await learner.locator('[data-testid="connection-status"][data-state="connected"]').waitFor();

    const evaluator = await newPage();
    await logIn(evaluator, 'evaluator@demo.test');
    await evaluator.goto('/evaluator');
    await evaluator.getByTestId('range-today').click();
    await evaluator.locator(`[data-testid="evaluator-request"][data-request-id="${request.id}"]`).getByTestId('open-request').click();
    await evaluator.getByTestId('evaluation-detail').waitFor();
    await expect(evaluator.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Grace Liu');
    await expect(evaluator.getByText('Shanghai time for the learner').count()).resolves.toBeGreaterThan(0);
    await expect(evaluator.getByTestId('meeting-link').getAttribute('href')).resolves.toBe('https://meet.example.test/grace');
    await expect(evaluator.locator('[data-testid="quiz-result"][data-passed="true"]').count()).resolves.toBe(1);

    await evaluator.getByTestId('outcome-pass').check();
    await evaluator.getByLabel('Explains the principles').fill('9');
    await evaluator.getByLabel('Notes for the learner').fill('Clear answers throughout.');
    await evaluator.getByTestId('complete-evaluation').click();
    await evaluator.locator('[data-testid="evaluation-result"][data-outcome="pass"]').waitFor({ timeout: 10_000 });
    await expect(evaluator.getByText('9 / 10').count()).resolves.toBe(1);

    // The learner's list changed without a reload.
    await learnerRow.locator('[data-testid="request-status"][data-status="completed"]').waitFor({ timeout: 10_000 });
    await expect(learnerRow.getByTestId('request-status').textContent()).resolves.toBe('Passed');
    for (const page of [learner, evaluator]) await page.context().close();
  });

  it('a moderator’s boards count a new booking live', async () => {
    const course = await demoEvaluationCourse(baseUrl);
    const { courseId } = course;
    const eva = await signedIn(baseUrl, 'evaluator@demo.test');
    await openEvaluatorHours(baseUrl);

    const page = await newPage();
    await logIn(page, 'moderator@demo.test');
    await page.goto(`/scheduling/boards?courseId=${courseId}`);
    const totals = page.getByTestId('board-totals');
    await totals.waitFor();
    await page.locator(`[data-testid="week-board"][data-evaluator-id="${eva.id}"]`).waitFor();
    await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor();
    const before = Number(await totals.getAttribute('data-booked'));
    const freeBefore = Number(await totals.getAttribute('data-free'));

    // A cohort member who finished the course books the first free slot.
    const hannah = await finishCourse(baseUrl, 'hannah@demo.test', course);
    const { body: slots } = await hannah.client.get(`/api/courses/${courseId}/slots`);
    expect((await hannah.client.post(`/api/courses/${courseId}/certificate-requests`, { startsAt: slots.slots[0].startsAt })).status).toBe(201);

    await page.locator(`[data-testid="board-totals"][data-booked="${before + 1}"]`).waitFor({ timeout: 10_000 });
    expect(Number(await totals.getAttribute('data-free'))).toBeLessThan(freeBefore);
    await page.context().close();
  });

  it('a learner with no free slot joins the waitlist, hears when one opens, and books it', async () => {
    // A fresh course whose one evaluator (Ivan) has a 09:00 UTC slot on the next two days only.
    const creator = await signedIn(baseUrl, 'creator@demo.test');
    const { body: course } = await creator.client.post('/api/courses', { title: `Waitlist drill ${Date.now()}`, enableCertification: true, evaluationRequired: true });
    const { body: outline } = await creator.client.post(`/api/courses/${course.id}/chapters`, { title: 'Only chapter' });
    const { body: lesson } = await creator.client.post(`/api/chapters/${outline.chapters[0].id}/lessons`, { title: 'Only lesson', body: 'Read me.' });
    expect((await creator.client.post(`/api/courses/${course.id}/publish`)).status).toBe(200);
    const moderator = await signedIn(baseUrl, 'moderator@demo.test');
    const ivanId = (await signedIn(baseUrl, 'ivan@demo.test')).id;
    expect((await moderator.client.put(`/api/courses/${course.id}/evaluators`, { userIds: [ivanId] })).status).toBe(200);
    const ivan = await signedIn(baseUrl, 'ivan@demo.test');
    const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '09:00', end: '09:30' }));
    expect((await ivan.client.put(`/api/evaluators/${ivan.id}/availability`, { timezone: 'UTC', weekly, meetingLink: 'https://meet.example.test/ivan' })).status).toBe(200);
    const dayAfterNext = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    expect((await ivan.client.post(`/api/evaluators/${ivan.id}/unavailability`, { startsOn: dayAfterNext, endsOn: '2099-12-31', reason: 'Away' })).status).toBe(201);

    const ready = async (email: string) => {
      const learner = await signedIn(baseUrl, email);
      expect((await learner.client.post(`/api/courses/${course.id}/enroll`)).status).toBe(201);
      expect((await learner.client.post(`/api/learn/lessons/${lesson.id}/complete`)).status).toBe(200);
      return learner;
    };
    // Jonas and Kavya take every slot there is.
    const { body: offered } = await (await ready('jonas@demo.test')).client.get(`/api/courses/${course.id}/slots`);
    expect(offered.slots.length).toBeGreaterThan(0);
    expect(offered.slots.length).toBeLessThanOrEqual(2);
    const holders = [await signedIn(baseUrl, 'jonas@demo.test'), await ready('kavya@demo.test')];
    const held: { id: string; startsAt: string }[] = [];
    for (const [index, slot] of offered.slots.entries()) {
      const booked = await holders[index].client.post(`/api/courses/${course.id}/certificate-requests`, { startsAt: slot.startsAt });
      expect(booked.status).toBe(201);
      held.push(booked.body);
    }
    await ready('liam@demo.test');

    const page = await newPage();
    await logIn(page, 'liam@demo.test');
    await page.goto(`/learn/${course.id}/evaluation`);
    await page.getByTestId('join-waitlist').click();
    await page.locator('[data-testid="waitlist-position"][data-position="1"]').waitFor();
    await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor();

    // A moderator cancels the later booking: the server's job tells Liam, and the slot is back on his board.
    const freed = held.at(-1)!;
    expect((await moderator.client.post(`/api/certificate-requests/${freed.id}/cancel`, { reason: 'Moved away' })).status).toBe(200);
    await page.getByText('A slot opened for this evaluation').waitFor({ timeout: 15_000 });
    const slot = page.locator(`[data-testid="slot"][data-starts-at="${freed.startsAt}"]`);
    await slot.waitFor({ timeout: 10_000 });
    await slot.click();
    await page.getByTestId('confirm-booking').click();
    await page.getByText(/Evaluation booked for/).waitFor({ timeout: 10_000 });
    await page.getByTestId('waitlist').waitFor({ state: 'detached' });
    expect((await (await signedIn(baseUrl, 'liam@demo.test')).client.get(`/api/courses/${course.id}/waitlist/me`)).body).toEqual({ entry: null });
    await page.context().close();
  });
});
