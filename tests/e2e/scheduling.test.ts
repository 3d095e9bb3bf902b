import { describe, expect, it } from 'vitest';
import { HttpClient } from '../support/http.ts';
import { logIn, useBrowser } from './browser.ts';

async function signedIn(baseUrl: string, email: string): Promise<{ client: HttpClient; id: string }> {
  const client = new HttpClient(baseUrl);
  const response = await client.post('/api/auth/login', { email, password: 'demo-password' });
  expect(response.status).toBe(200);
  return { client, id: response.body.user.id };
}

describe('the live slot board in the browser', () => {
  const { newPage, baseUrl } = useBrowser();

  it('a slot booked by learner A disappears from learner B’s board and appears for the evaluator, without reload', async () => {
    // The demo course that needs an evaluation; its cohort's evaluator is Eva.
    const creator = await signedIn(baseUrl, 'creator@demo.test');
    const { body: authored } = await creator.client.get('/api/courses?search=Data%20Protection');
    const courseId: string = authored.courses[0].id;
    const { body: outline } = await creator.client.get(`/api/courses/${courseId}`);
    const items = outline.chapters.flatMap((c: { items: { kind: string; id: string }[] }) => c.items);
    const quizId = items.find((i: { kind: string }) => i.kind === 'quiz').id;
    const { body: quiz } = await creator.client.get(`/api/quizzes/${quizId}`);

    const eva = await signedIn(baseUrl, 'evaluator@demo.test');
    const weekly = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '20:00' }));
    expect((await eva.client.put(`/api/evaluators/${eva.id}/availability`, { timezone: 'Europe/Berlin', weekly, bufferMinutes: 0, meetingLink: 'https://meet.example.test/eva' })).status).toBe(200);

    // Both learners finish the course and pass its quiz, through the API.
    for (const email of ['student@demo.test', 'elif@demo.test']) {
      const { client } = await signedIn(baseUrl, email);
      for (const item of items.filter((i: { kind: string }) => i.kind === 'lesson')) {
        expect((await client.post(`/api/learn/lessons/${item.id}/complete`)).status).toBe(200);
      }
      const attempt = await client.post(`/api/learn/quizzes/${quizId}/attempts`);
      const answers = quiz.questions.map((q: { id: string; options: { id: string; isCorrect: boolean }[] }) => ({ questionId: q.id, optionIds: q.options.filter((o) => o.isCorrect).map((o) => o.id) }));
      const submitted = await client.post(`/api/learn/submissions/${attempt.body.submissionId}/submit`, { answers });
      expect(submitted.body.submission.passed).toBe(true);
    }

    const learnerA = await newPage();
    await logIn(learnerA, 'student@demo.test');
    await learnerA.goto(`/learn/${courseId}/evaluation`);
    const learnerB = await newPage();
    await logIn(learnerB, 'elif@demo.test');
    await learnerB.goto(`/learn/${courseId}/evaluation`);
    const evaluator = await newPage();
    await logIn(evaluator, 'evaluator@demo.test');
    await evaluator.goto('/evaluator');

    const firstSlot = learnerA.getByTestId('slot').first();
    await firstSlot.waitFor();
    const startsAt = (await firstSlot.getAttribute('data-starts-at'))!;
    const sameSlotForB = learnerB.locator(`[data-testid="slot"][data-starts-at="${startsAt}"]`);
    await sameSlotForB.waitFor();
    await evaluator.locator('[data-testid="connection-status"][data-state="connected"]').waitFor();
    expect(await evaluator.locator(`[data-testid="evaluator-request"][data-starts-at="${startsAt}"]`).count()).toBe(0);

    await firstSlot.click();
    await learnerA.getByTestId('confirm-booking').click();
    await learnerA.getByTestId('my-request').or(learnerA.getByText(/booked|pending/i)).first().waitFor({ timeout: 10_000 });

    await sameSlotForB.waitFor({ state: 'detached', timeout: 10_000 });
    await evaluator.locator(`[data-testid="evaluator-request"][data-starts-at="${startsAt}"]`).waitFor({ timeout: 10_000 });
    for (const page of [learnerA, learnerB, evaluator]) await page.context().close();
  });
});
