import { describe, expect, it } from 'vitest';
import { HttpClient } from '../support/http.ts';
import { logIn, useBrowser } from './browser.ts';

async function signedIn(baseUrl: string, email: string): Promise<{ client: HttpClient; id: string }> {
  const client = new HttpClient(baseUrl);
  const response = await client.post('/api/auth/login', { email, password: 'demo-password' });
  expect(response.status).toBe(200);
  return { client, id: response.body.user.id };
}

describe('the statistics page in the browser', () => {
  const { newPage, baseUrl } = useBrowser();

  it('counts a learner’s booking on the moderator’s statistics page without reload, with its table behind the chart', async () => {
    // The demo course that needs an evaluation; its cohort's evaluator is Eva.
    const creator = await signedIn(baseUrl, 'creator@demo.test');
    const { body: authored } = await creator.client.get('/api/courses?search=Data%20Protection');
    const courseId: string = authored.courses[0].id;
    const courseTitle: string = authored.courses[0].title;
    const { body: outline } = await creator.client.get(`/api/courses/${courseId}`);
    const items = outline.chapters.flatMap((c: { items: { kind: string; id: string }[] }) => c.items);
    const quizId = items.find((i: { kind: string }) => i.kind === 'quiz').id;
    const { body: quiz } = await creator.client.get(`/api/quizzes/${quizId}`);
    const eva = await signedIn(baseUrl, 'evaluator@demo.test');
    const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '20:00' }));
    expect((await eva.client.put(`/api/evaluators/${eva.id}/availability`, { timezone: 'Europe/Berlin', weekly, bufferMinutes: 0, meetingLink: 'https://meet.example.test/eva' })).status).toBe(200);

    // Femi finishes the course and passes its quiz, through the API.
    const femi = await signedIn(baseUrl, 'femi@demo.test');
    for (const item of items.filter((i: { kind: string }) => i.kind === 'lesson')) expect((await femi.client.post(`/api/learn/lessons/${item.id}/complete`)).status).toBe(200);
    const attempt = await femi.client.post(`/api/learn/quizzes/${quizId}/attempts`);
    const answers = quiz.questions.map((q: { id: string; options: { id: string; isCorrect: boolean }[] }) => ({ questionId: q.id, optionIds: q.options.filter((o) => o.isCorrect).map((o) => o.id) }));
    expect((await femi.client.post(`/api/learn/submissions/${attempt.body.submissionId}/submit`, { answers })).body.submission.passed).toBe(true);

    const moderator = await newPage();
    await logIn(moderator, 'moderator@demo.test');
    await moderator.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Statistics' }).click();
    await moderator.waitForURL('**/statistics');
    const booked = moderator.getByTestId('stat-evaluations-booked').locator('.value');
    await booked.waitFor();
    await moderator.locator('[data-testid="connection-status"][data-state="connected"]').waitFor();
    const before = Number(await booked.textContent());

    const staffApi = await signedIn(baseUrl, 'moderator@demo.test');
    const rowBefore = (await staffApi.client.get('/api/stats/overview')).body.evaluations.byCourse.find((row: { courseId: string }) => row.courseId === courseId)?.booked ?? 0;

    // A mark on this document: a reload would lose it.
    await moderator.evaluate(() => ((globalThis as unknown as { statsMark: boolean }).statsMark = true));

    const learner = await newPage();
    await logIn(learner, 'femi@demo.test');
    await learner.goto(`/learn/${courseId}/evaluation`);
    const slot = learner.getByTestId('slot').first();
    await slot.waitFor();
    await slot.click();
    await learner.getByTestId('confirm-booking').click();
    await learner.getByTestId('my-request').or(learner.getByText(/booked|pending/i)).first().waitFor({ timeout: 10_000 });

    // The moderator's page was not reloaded: the figure and the table row move by themselves.
    await expect.poll(async () => Number(await booked.textContent()), { timeout: 15_000 }).toBe(before + 1);
    // The chart of evaluations by course has its figures in a table behind it.
    const figure = moderator.getByTestId('chart-evaluations-course');
    await figure.locator('summary').click();
    const courseRow = figure.locator('tbody tr', { hasText: courseTitle });
    await expect.poll(async () => Number(await courseRow.locator('td').first().textContent()), { timeout: 15_000 }).toBe(rowBefore + 1);
    expect(await moderator.evaluate(() => (globalThis as unknown as { statsMark?: boolean }).statsMark)).toBe(true);
    for (const page of [moderator, learner]) await page.context().close();
  });

  it('shows the instructor’s course dashboard moving as a learner studies, and the audit trail of who did what', async () => {
    const creator = await signedIn(baseUrl, 'creator@demo.test');
    const { body: authored } = await creator.client.get('/api/courses?search=Data%20Protection');
    const courseId: string = authored.courses[0].id;
    const { body: outline } = await creator.client.get(`/api/courses/${courseId}`);
    const lessons = outline.chapters.flatMap((c: { items: { kind: string; id: string }[] }) => c.items).filter((i: { kind: string }) => i.kind === 'lesson');

    const instructor = await newPage();
    await logIn(instructor, 'creator@demo.test');
    await instructor.goto(`/author/${courseId}/learners`);
    await instructor.getByRole('link', { name: 'Dashboard' }).click();
    const row = instructor.getByTestId('course-dashboard-learners').locator('tbody tr', { hasText: 'diego@demo.test' });
    await row.waitFor();
    await instructor.locator('[data-testid="connection-status"][data-state="connected"]').waitFor();
    const progress = row.getByRole('progressbar');
    const before = Number(await progress.getAttribute('aria-valuenow'));

    const diego = await signedIn(baseUrl, 'diego@demo.test');
    const { body: done } = await diego.client.get(`/api/learn/courses/${courseId}`);
    const completed = new Set<string>(done.enrollment.completedLessonIds as string[]);
    const next = lessons.find((l: { id: string }) => !completed.has(l.id)) ?? lessons[0];
    expect((await diego.client.post(`/api/learn/lessons/${next.id}/complete`)).status).toBe(200);
    await expect.poll(async () => Number(await progress.getAttribute('aria-valuenow')), { timeout: 15_000 }).toBeGreaterThan(before);

    // The audit trail: the evaluator saves her hours, and the moderator finds it by action.
    const eva = await signedIn(baseUrl, 'evaluator@demo.test');
    const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '20:00' }));
    expect((await eva.client.put(`/api/evaluators/${eva.id}/availability`, { timezone: 'Europe/Berlin', weekly, bufferMinutes: 0, meetingLink: 'https://meet.example.test/eva' })).status).toBe(200);
    const moderator = await newPage();
    await logIn(moderator, 'moderator@demo.test');
    await moderator.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    const events = moderator.getByTestId('audit-events');
    await events.waitFor();
    await moderator.getByLabel('Action').selectOption('evaluator_availability_saved');
    await moderator.getByRole('button', { name: 'Show' }).click();
    await expect.poll(async () => (await events.locator('tbody tr').allTextContents()).every((text) => text.includes('evaluator availability saved')), { timeout: 10_000 }).toBe(true);
    expect(await events.locator('tbody tr', { hasText: 'Eva Brandt' }).count()).toBeGreaterThan(0);
    for (const page of [instructor, moderator]) await page.context().close();
  });
});
