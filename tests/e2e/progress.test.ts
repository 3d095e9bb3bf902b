import { describe, expect, it } from 'vitest';
import { HttpClient } from '../support/http.ts';
import { logIn, useBrowser } from './browser.ts';

async function signedIn(baseUrl: string, email: string): Promise<HttpClient> {
  const client = new HttpClient(baseUrl);
  const response = await client.post('/api/auth/login', { email, password: 'demo-password' });
  expect(response.status).toBe(200);
  return client;
}

describe('live progress in the browser', () => {
  const { newPage, baseUrl } = useBrowser();

  it('a lesson completed in one tab moves the progress bar in another tab and on the moderator’s cohort dashboard', async () => {
    // A two-lesson course in a cohort with one demo learner, made through the API.
    const moderator = await signedIn(baseUrl, 'moderator@demo.test');
    const { body: course } = await moderator.post('/api/courses', { title: `Live progress ${Date.now()}` });
    const { body: outline } = await moderator.post(`/api/courses/${course.id}/chapters`, { title: 'Only chapter' });
    const chapterId = outline.chapters[0].id;
    const first = (await moderator.post(`/api/chapters/${chapterId}/lessons`, { title: 'First lesson', body: 'One' })).body;
    await moderator.post(`/api/chapters/${chapterId}/lessons`, { title: 'Second lesson', body: 'Two' });
    expect((await moderator.post(`/api/courses/${course.id}/publish`)).status).toBe(200);
    const learnerId = (await moderator.get('/api/users?search=aiko@demo.test')).body.users[0].id;
    const { body: cohort } = await moderator.post('/api/cohorts', { title: `Cohort ${Date.now()}`, startsOn: '2026-01-01', endsOn: '2026-12-31', timezone: 'Europe/Paris' });
    expect((await moderator.put(`/api/cohorts/${cohort.id}/courses`, { courses: [{ courseId: course.id, evaluatorId: null }] })).status).toBe(200);
    expect((await moderator.post(`/api/cohorts/${cohort.id}/members`, { userIds: [learnerId] })).status).toBe(200);

    const dashboard = await newPage();
    await logIn(dashboard, 'moderator@demo.test');
    await dashboard.goto(`/cohorts/${cohort.id}`);
    const cell = dashboard.locator(`[data-testid="cohort-progress"][data-user-id="${learnerId}"][data-course-id="${course.id}"]`);
    await cell.waitFor();
    expect(Number(await cell.getAttribute('data-progress'))).toBe(0);

    const tabOne = await newPage();
    await logIn(tabOne, 'aiko@demo.test');
    const tabTwo = await tabOne.context().newPage();
    await tabTwo.goto(`/learn/${course.id}`);
    const barInTabTwo = tabTwo.locator(`[data-testid="course-progress"][data-course-id="${course.id}"]`).first();
    await barInTabTwo.waitFor();
    expect(Number(await barInTabTwo.getAttribute('data-progress'))).toBe(0);

    await tabOne.goto(`/learn/${course.id}`);
    await tabOne.getByRole('heading', { name: first.title }).first().waitFor();
    await tabOne.getByTestId('complete-lesson').click();

    await tabTwo.locator(`[data-testid="course-progress"][data-course-id="${course.id}"][data-progress="50"]`).first().waitFor({ timeout: 10_000 });
    await dashboard.locator(`[data-testid="cohort-progress"][data-user-id="${learnerId}"][data-course-id="${course.id}"][data-progress="50"]`).waitFor({ timeout: 10_000 });
    await tabOne.context().close();
    await dashboard.context().close();
  });
});
