import { describe, expect, it } from 'vitest';
import { HttpClient } from '../support/http.ts';
import { logIn, useBrowser } from './browser.ts';
import { demoEvaluationCourse, finishCourse, openEvaluatorHours, signedIn as demoSignIn } from './demo.ts';

async function signedIn(baseUrl: string, email: string): Promise<HttpClient> {
  return (await demoSignIn(baseUrl, email)).client;
}

/** A published two-lesson course that awards a certificate on completion (no evaluation), made through the API. */
async function certificationCourse(moderator: HttpClient, title: string) {
  const { body: course } = await moderator.post('/api/courses', { title, enableCertification: true });
  const { body: outline } = await moderator.post(`/api/courses/${course.id}/chapters`, { title: 'The essentials' });
  const chapterId = outline.chapters[0].id;
  const first = (await moderator.post(`/api/chapters/${chapterId}/lessons`, { title: 'Why it matters', body: 'One' })).body;
  const last = (await moderator.post(`/api/chapters/${chapterId}/lessons`, { title: 'Putting it to work', body: 'Two' })).body;
  expect((await moderator.post(`/api/courses/${course.id}/publish`)).status).toBe(200);
  return { course, first, last };
}

describe('certificates in the browser', () => {
  const { browser, newPage, baseUrl } = useBrowser();

  it('a learner finishes a course, gets certified without a reload, and anyone can verify the certificate without signing in', async () => {
    const moderator = await signedIn(baseUrl, 'moderator@demo.test');
    const title = `Ladder Safety ${Date.now()}`;
    const { course, first, last } = await certificationCourse(moderator, title);

    // The learner is one lesson from done.
    const learner = await signedIn(baseUrl, 'student@demo.test');
    expect((await learner.post(`/api/courses/${course.id}/enroll`)).status).toBeLessThan(300);
    expect((await learner.post(`/api/learn/lessons/${first.id}/complete`)).status).toBe(200);

    const page = await newPage();
    await logIn(page, 'student@demo.test');
    await page.goto(`/learn/${course.id}?lesson=${last.id}`);
    await page.getByRole('heading', { name: last.title }).first().waitFor();
    // Marks this document: still there at the end means the certificate came without a reload.
    await page.evaluate(() => ((globalThis as unknown as { sameDocument: boolean }).sameDocument = true));

    await page.getByTestId('complete-lesson').click();
    const panel = page.locator(`[data-testid="certification-panel"][data-course-id="${course.id}"]`);
    await panel.getByTestId('get-certified').click();

    const card = panel.getByTestId('certificate-card');
    await card.waitFor({ timeout: 30_000 });
    expect(await panel.getByTestId('certificate-arrived').textContent()).toContain(title);
    expect(await card.getByTestId('certificate-status').getAttribute('data-status')).toBe('valid');
    expect(await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    const verifyHref = await card.getByTestId('certificate-verify').getAttribute('href');
    expect(verifyHref).toMatch(/^\/certificate\/[\w-]+$/);

    // The learner's certificates page lists it too.
    await page.goto('/profile/certificates');
    await page.locator(`[data-testid="certificate-card"][data-status="valid"]`, { hasText: title }).waitFor();

    // A stranger (no session) opens the public page: no sign-in, the certificate says it is valid.
    const stranger = await browser().newContext({ baseURL: baseUrl, timezoneId: 'America/New_York' });
    const publicPage = await stranger.newPage();
    await publicPage.goto(verifyHref!);
    const record = publicPage.getByTestId('public-certificate');
    await record.waitFor();
    expect(new URL(publicPage.url()).pathname).toBe(verifyHref);
    expect(await record.getAttribute('data-status')).toBe('valid');
    expect(await publicPage.getByTestId('verification-verdict').textContent()).toContain('This certificate is valid');
    expect(await publicPage.getByTestId('certificate-member').textContent()).toBe('Priya Raman');
    expect(await publicPage.getByTestId('certificate-course').textContent()).toBe(title);
    expect(await publicPage.title()).toContain(title);

    // What the page offers downloads for real: the PDF and the preview image.
    const pdfHref = await publicPage.getByTestId('download-pdf').getAttribute('href');
    const pdf = await stranger.request.get(pdfHref!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    // The preview image is drawn and shown (an image that failed to load has no natural width).
    const preview = publicPage.getByTestId('certificate-preview');
    await publicPage.waitForFunction((img) => Boolean(img && (img as { complete?: boolean; naturalWidth?: number }).complete && (img as { naturalWidth?: number }).naturalWidth), await preview.elementHandle());

    await stranger.close();
    await page.context().close();
  });

  it('a moderator revokes a certificate with a reason, and its public page says so', async () => {
    const moderator = await signedIn(baseUrl, 'moderator@demo.test');
    const title = `Forklift Basics ${Date.now()}`;
    const { course } = await certificationCourse(moderator, title);
    const learnerId = (await moderator.get('/api/users?search=aiko@demo.test')).body.users[0].id;
    const issued = await moderator.post('/api/certificates', { memberId: learnerId, courseId: course.id, honoraryReason: 'Trained on site before the course existed' });
    expect(issued.status).toBe(201);

    const page = await newPage();
    await logIn(page, 'moderator@demo.test');
    await page.goto('/staff/certificates');
    await page.getByLabel('Search', { exact: true }).fill(title);
    const row = page.locator(`[data-testid="staff-certificate-row"][data-certificate-id="${issued.body.id}"]`);
    await row.waitFor();
    await row.getByTestId('revoke-certificate').click();
    const dialog = page.getByTestId('certificate-action-dialog');
    await dialog.getByLabel('Reason').fill('Issued to the wrong person');
    await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
    await page.locator(`[data-testid="staff-certificate-row"][data-certificate-id="${issued.body.id}"][data-status="revoked"]`).waitFor();

    const stranger = await browser().newContext({ baseURL: baseUrl });
    const publicPage = await stranger.newPage();
    await publicPage.goto(`/certificate/${issued.body.publicId}`);
    await publicPage.locator('[data-testid="public-certificate"][data-status="revoked"]').waitFor();
    expect(await publicPage.getByTestId('revoked-reason').textContent()).toContain('Issued to the wrong person');
    await stranger.close();
    await page.context().close();
  });

  it('an evaluator issues a certificate by hand to a learner who booked them', async () => {
    const course = await demoEvaluationCourse(baseUrl);
    await openEvaluatorHours(baseUrl);
    const chloe = await finishCourse(baseUrl, 'chloe@demo.test', course);
    const { body: board } = await chloe.client.get(`/api/courses/${course.courseId}/slots`);
    expect((await chloe.client.post(`/api/courses/${course.courseId}/certificate-requests`, { startsAt: board.slots[0].startsAt })).status).toBe(201);

    const page = await newPage();
    await logIn(page, 'evaluator@demo.test');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Issue certificates' }).click();
    await page.waitForURL('**/evaluator/certificates');
    await page.locator('#issue-course').selectOption(course.courseId);
    await page.getByTestId('issue-member').selectOption(chloe.id);
    // Not evaluated yet, so not eligible: only an honorary certificate, with its reason.
    await page.getByTestId('honorary').check();
    await page.locator('#honorary-reason').fill('Assessed in the on-site drill');
    await page.getByRole('button', { name: 'Issue certificate' }).click();
    await expect(page.getByTestId('manual-issue-result').textContent()).resolves.toContain(course.courseTitle);
    const { body: mine } = await chloe.client.get('/api/me/certificates');
    expect(mine.certificates).toEqual([expect.objectContaining({ courseId: course.courseId, status: 'valid', honoraryReason: 'Assessed in the on-site drill' })]);
    await page.context().close();
  });
});
