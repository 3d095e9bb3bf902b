import { describe, expect, it } from 'vitest';
import { HttpClient } from '../support/http.ts';
import { logIn, useBrowser } from './browser.ts';

describe('mandatory training in the browser', () => {
  const { newPage, baseUrl } = useBrowser();

  it('a moderator bulk-assigns a course to a department; the learner’s Mandatory Training list shows it without reload', async () => {
    const moderatorApi = new HttpClient(baseUrl);
    expect((await moderatorApi.post('/api/auth/login', { email: 'moderator@demo.test', password: 'demo-password' })).status).toBe(200);
    const department = `E2E-${Date.now()}`;
    const imported = await moderatorApi.post('/api/users/import', { csv: `email,department\nstudent@demo.test,${department}\n` });
    expect(imported.body.counts.updated).toBe(1);
    const { courses } = (await moderatorApi.get('/api/courses?limit=50')).body;
    const mine = (await moderatorApi.get('/api/training/assignments?limit=500')).body.assignments.filter((a: { userEmail: string }) => a.userEmail === 'student@demo.test');
    const course = courses.find((c: { id: string; status: string }) => c.status === 'published' && !mine.some((a: { courseId: string; status: string }) => a.courseId === c.id && a.status !== 'completed'));
    expect(course).toBeDefined();

    const learner = await newPage();
    await logIn(learner, 'student@demo.test');
    await learner.getByTestId('mandatory-training').waitFor();

    const moderator = await newPage();
    await logIn(moderator, 'moderator@demo.test');
    await moderator.goto('/training');
    const form = moderator.getByTestId('bulk-assign-form');
    await form.getByLabel('Course').selectOption(course.id);
    await form.getByLabel('Due date').fill('2030-06-30');
    await form.getByRole('textbox', { name: 'Department' }).fill(department);
    await form.getByRole('button', { name: 'Assign' }).click();
    await moderator.getByTestId('bulk-assign-result').waitFor();
    expect(await moderator.getByTestId('bulk-assign-result').textContent()).toContain('1 assigned');

    await learner.locator('[data-testid="mandatory-training"] li', { hasText: course.title }).waitFor({ timeout: 10_000 });
    await learner.context().close();
    await moderator.context().close();
  });
});
