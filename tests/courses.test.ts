import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.ts';
import { createUser, signIn } from './support/factories.ts';

const question = (prompt: string, correct: number[], kind: 'single' | 'multiple' = 'single') => ({
  prompt,
  kind,
  explanation: `Why: ${prompt}`,
  options: [0, 1, 2].map((i) => ({ label: `${prompt} option ${i}`, isCorrect: correct.includes(i) })),
});

describe('course authoring', () => {
  const t = useTestApp();
  const author = async () => {
    const user = await createUser(t().db, { roles: ['course_creator'] });
    return { user, client: await signIn(t().client(), user) };
  };

  it('lets a course creator build a course: chapters, lessons, a quiz, then publish', async () => {
    const { client, user } = await author();
    const created = await client.post('/api/courses', { title: 'Fire Safety', description: 'Know your exits.' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'Fire Safety', status: 'draft', ownerId: user.id, lessonCount: 0 });
    const id = created.body.id;

    expect((await client.post(`/api/courses/${id}/publish`)).body.error.code).toBe('conflict');

    const outline = await client.post(`/api/courses/${id}/chapters`, { title: 'Basics' });
    const chapterId = outline.body.chapters[0].id;
    const lesson = await client.post(`/api/chapters/${chapterId}/lessons`, { title: 'Exits', body: '# Exits\n\nFind the **nearest** one.', videoUrl: 'https://video.example/exits' });
    expect(lesson.status).toBe(201);
    expect(lesson.body.html).toContain('<strong>nearest</strong>');
    const quiz = await client.post(`/api/chapters/${chapterId}/quizzes`, { title: 'Check', passPercentage: 50, maxAttempts: 3, timeLimitSeconds: 300, questions: [question('Where?', [1]), question('Which?', [0, 2], 'multiple')] });
    expect(quiz.status).toBe(201);
    expect(quiz.body.questions[1].options.filter((o: { isCorrect: boolean }) => o.isCorrect)).toHaveLength(2);

    const published = await client.post(`/api/courses/${id}/publish`);
    expect(published.body).toMatchObject({ status: 'published', lessonCount: 1, quizCount: 1 });
    expect(published.body.publishedAt).not.toBeNull();
    expect(t().relay.events).toContainEqual({ name: 'course.updated', payload: expect.objectContaining({ id, status: 'published' }) });

    const detail = await client.get(`/api/courses/${id}`);
    expect(detail.body.chapters[0].items.map((i: { kind: string }) => i.kind)).toEqual(['lesson', 'quiz']);
    expect(detail.body.chapters[0].items[1].questionCount).toBe(2);
    expect(detail.body.editable).toBe(true);
  });

  it('refuses a single-choice question with two correct answers, and one with none', async () => {
    const { client } = await author();
    const { body: course } = await client.post('/api/courses', { title: 'Quiz rules' });
    const { body: outline } = await client.post(`/api/courses/${course.id}/chapters`, { title: 'C' });
    const twoCorrect = await client.post(`/api/chapters/${outline.chapters[0].id}/quizzes`, { title: 'Q', questions: [question('Bad', [0, 1])] });
    expect(twoCorrect.status).toBe(400);
    expect(twoCorrect.body.error.message).toContain('exactly one correct option');
    const none = await client.post(`/api/chapters/${outline.chapters[0].id}/quizzes`, { title: 'Q', questions: [question('Bad', [])] });
    expect(none.status).toBe(400);
  });

  it('keeps settings coherent: validity only for mandatory courses, evaluation only with certification', async () => {
    const { client } = await author();
    const bad = await client.post('/api/courses', { title: 'Odd', validityDays: 365 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/mandatory/);
    const ok = await client.post('/api/courses', { title: 'Annual', isMandatory: true, validityDays: 365, enableCertification: true, evaluationRequired: true });
    expect(ok.body).toMatchObject({ isMandatory: true, validityDays: 365, evaluationRequired: true });
    const drop = await client.patch(`/api/courses/${ok.body.id}`, { enableCertification: false });
    expect(drop.status).toBe(400);
    expect(drop.body.error.message).toMatch(/certification/);
  });

  it('changes only the fields a PATCH names', async () => {
    const { client } = await author();
    const { body: course } = await client.post('/api/courses', { title: 'Keep me', description: 'Long text', isMandatory: true, validityDays: 90 });
    const renamed = await client.patch(`/api/courses/${course.id}`, { title: 'Renamed' });
    expect(renamed.body).toMatchObject({ title: 'Renamed', description: 'Long text', isMandatory: true, validityDays: 90 });
    const { body: outline } = await client.post(`/api/courses/${course.id}/chapters`, { title: 'C' });
    const lesson = (await client.post(`/api/chapters/${outline.chapters[0].id}/lessons`, { title: 'L', body: 'Keep this body', videoUrl: 'https://video.example/v' })).body;
    const edited = await client.patch(`/api/lessons/${lesson.id}`, { title: 'L2' });
    expect(edited.body).toMatchObject({ title: 'L2', body: 'Keep this body', videoUrl: 'https://video.example/v' });
  });

  it('lets a creator edit only their own courses, moderators all, learners none', async () => {
    const owner = await author();
    const other = await author();
    const moderator = await signIn(t().client(), await createUser(t().db, { roles: ['moderator'] }));
    const learner = await signIn(t().client(), await createUser(t().db));
    const { body: course } = await owner.client.post('/api/courses', { title: 'Mine' });
    expect((await other.client.patch(`/api/courses/${course.id}`, { title: 'Theirs' })).status).toBe(403);
    expect((await learner.post('/api/courses', { title: 'Nope' })).status).toBe(403);
    expect((await moderator.patch(`/api/courses/${course.id}`, { title: 'Moderated' })).body.title).toBe('Moderated');
    // A draft is invisible to those who cannot edit it.
    expect((await learner.get(`/api/courses/${course.id}`)).status).toBe(404);
    // Co-instructors may edit once added.
    const shared = await owner.client.put(`/api/courses/${course.id}/instructors`, { userIds: [other.user.id] });
    expect(shared.body.instructors).toEqual([{ id: other.user.id, name: other.user.name }]);
    expect((await other.client.patch(`/api/courses/${course.id}`, { title: 'Shared' })).status).toBe(200);
    const mine = await other.client.get('/api/courses');
    expect(mine.body.courses.map((c: { id: string }) => c.id)).toContain(course.id);
  });

  it('lists published courses in the catalogue with search', async () => {
    const { client } = await author();
    const { body: course } = await client.post('/api/courses', { title: 'Ergonomics at the desk' });
    const { body: outline } = await client.post(`/api/courses/${course.id}/chapters`, { title: 'C' });
    await client.post(`/api/chapters/${outline.chapters[0].id}/lessons`, { title: 'Posture' });
    const learner = await signIn(t().client(), await createUser(t().db));
    expect((await learner.get('/api/catalogue?search=ergonomics')).body.total).toBe(0);
    await client.post(`/api/courses/${course.id}/publish`);
    const found = await learner.get('/api/catalogue?search=ergonomics');
    expect(found.body.courses.map((c: { title: string }) => c.title)).toEqual(['Ergonomics at the desk']);
    expect((await learner.get(`/api/courses/${course.id}`)).body.editable).toBe(false);
  });

  it('never shows quiz answers to someone who cannot edit the course', async () => {
    const { client } = await author();
    const { body: course } = await client.post('/api/courses', { title: 'Secret answers' });
    const { body: outline } = await client.post(`/api/courses/${course.id}/chapters`, { title: 'C' });
    const { body: quiz } = await client.post(`/api/chapters/${outline.chapters[0].id}/quizzes`, { title: 'Q', questions: [question('One', [0])] });
    await client.post(`/api/courses/${course.id}/publish`);
    const learner = await signIn(t().client(), await createUser(t().db));
    expect((await learner.get(`/api/quizzes/${quiz.id}`)).status).toBe(403);
    expect(JSON.stringify((await learner.get(`/api/courses/${course.id}`)).body)).not.toMatch(/isCorrect|explanation/);
  });

  it('reorders the outline and refuses a stale order', async () => {
    const { client } = await author();
    const { body: course } = await client.post('/api/courses', { title: 'Order' });
    const { body: outline } = await client.post(`/api/courses/${course.id}/chapters`, { title: 'C' });
    const chapterId = outline.chapters[0].id;
    const a = (await client.post(`/api/chapters/${chapterId}/lessons`, { title: 'A' })).body;
    const b = (await client.post(`/api/chapters/${chapterId}/lessons`, { title: 'B' })).body;
    const reordered = await client.put(`/api/courses/${course.id}/outline`, { chapters: [{ id: chapterId, items: [{ kind: 'lesson', id: b.id }, { kind: 'lesson', id: a.id }] }] });
    expect(reordered.body.chapters[0].items.map((i: { title: string }) => i.title)).toEqual(['B', 'A']);
    const stale = await client.put(`/api/courses/${course.id}/outline`, { chapters: [{ id: chapterId, items: [{ kind: 'lesson', id: a.id }] }] });
    expect(stale.status).toBe(409);
  });
});
