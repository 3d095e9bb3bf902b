import { describe, expect, it } from 'vitest';
import { logIn, useBrowser } from './browser.ts';
import { demoEvaluationCourse, finishCourse, openEvaluatorHours, signedIn } from './demo.ts';

describe('the statistics page in the browser', () => {
  const { newPage, baseUrl } = useBrowser();

  it('counts a learner’s booking on the moderator’s statistics page without reload, with its table behind the chart', async () => {
    const course = await demoEvaluationCourse(baseUrl);
    const { courseId, courseTitle } = course;
    await openEvaluatorHours(baseUrl);
    await finishCourse(baseUrl, 'femi@demo.test', course);

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
    const { courseId, lessonIds } = await demoEvaluationCourse(baseUrl);

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
    const next = lessonIds.find((id) => !completed.has(id)) ?? lessonIds[0];
    expect((await diego.client.post(`/api/learn/lessons/${next}/complete`)).status).toBe(200);
    await expect.poll(async () => Number(await progress.getAttribute('aria-valuenow')), { timeout: 15_000 }).toBeGreaterThan(before);

    // The audit trail: the evaluator saves her hours, and the moderator finds it by action.
    await openEvaluatorHours(baseUrl);
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
