import { describe, expect, it } from 'vitest';
import { logIn, useBrowser } from './browser.ts';
import { demoEvaluationCourse, finishCourse, openEvaluatorHours } from './demo.ts';

describe('the live slot board in the browser', () => {
  const { newPage, baseUrl } = useBrowser();

  it('a slot booked by learner A disappears from learner B’s board and appears for the evaluator, without reload', async () => {
    const course = await demoEvaluationCourse(baseUrl);
    const { courseId } = course;
    await openEvaluatorHours(baseUrl);
    // Both learners finish the course and pass its quiz, through the API.
    for (const email of ['student@demo.test', 'elif@demo.test']) await finishCourse(baseUrl, email, course);

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
