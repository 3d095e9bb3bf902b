import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { quizQuestions } from '../server/modules/courses/schema.ts';
import { learnerQuizAttempts } from '../server/modules/scheduling/outcome-queries.ts';
import { normaliseSpace, pdfText } from '../server/modules/certificates/render/poppler.testing.ts';
import { useTestApp } from './support/app.ts';
import { learnerIn, staffMember, type Learner } from './support/certificates.ts';
import { createCourse, type TestCourse } from './support/courses.ts';
import { createUser } from './support/factories.ts';
import type { HttpClient } from './support/http.ts';
import { sessionFor } from './support/scheduling.ts';

const t = useTestApp();

/** A download as bytes (the JSON client would decode a PDF or zip as text). */
async function fetchBytes(client: HttpClient, path: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const response = await t().app.request(`http://localhost${path}`, {
    headers: { host: 'localhost', ...(client.cookie ? { cookie: client.cookie } : {}), ...headers },
  });
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()), headers: response.headers };
}

function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
      if (error || !archive) return reject(error);
      const files = new Map<string, Buffer>();
      archive.on('error', reject);
      archive.on('end', () => resolve(files));
      archive.on('entry', (entry: yauzl.Entry) => {
        archive.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            archive.readEntry();
          });
        });
      });
      archive.readEntry();
    });
  });
}

/** RFC 4180 rows (quoted fields with commas, doubled quotes), without the byte order mark. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  const source = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\n') row.push(field.replace(/\r$/, '')), rows.push(row), (row = []), (field = '');
    else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

async function takeQuiz(learner: Learner, quiz: TestCourse['quizzes'][number], correctAnswers: number): Promise<string> {
  const started = await learner.client.post(`/api/learn/quizzes/${quiz.id}/attempts`);
  expect(started.status).toBeLessThan(300);
  const answers = quiz.questions.map((question, index) => ({
    questionId: question.id,
    optionIds: [index < correctAnswers ? question.correctOptionIds[0] : question.optionIds.find((id) => !question.correctOptionIds.includes(id))!],
  }));
  const submitted = await learner.client.post(`/api/learn/submissions/${started.body.submissionId}/submit`, { answers });
  expect(submitted.status).toBe(200);
  return started.body.submissionId;
}

describe('quiz reports and evidence packs', () => {
  let course: TestCourse;
  let owner: HttpClient;
  let learner: Learner;
  let other: Learner;
  let moderator: Learner;
  let firstSubmission: string;
  let secondSubmission: string;
  const prompt = 'Which extinguisher is safe on an electrical fire?';

  beforeAll(async () => {
    const { db } = t();
    course = await createCourse(db, { title: 'Fire Safety, "Basics"', lessons: 1, quizzes: [{ title: 'Final check', passPercentage: 50, maxAttempts: 5 }], settings: { enableCertification: true } });
    await db.update(quizQuestions).set({ prompt }).where(eq(quizQuestions.id, course.quizzes[0].questions[0].id));
    const ownerUser = { id: course.ownerId, email: '', name: '', password: '', roles: [] };
    owner = await sessionFor(t(), ownerUser);
    learner = await learnerIn(t(), course, { name: 'Zoë Tester' });
    other = await learnerIn(t(), course, { name: 'Other Learner' });
    moderator = await staffMember(t());
    firstSubmission = await takeQuiz(learner, course.quizzes[0], 1);
    secondSubmission = await takeQuiz(learner, course.quizzes[0], 2);
  });

  it('prints a submitted attempt for its learner: the question, their name and their score', async () => {
    const response = await fetchBytes(learner.client, `/api/quiz-submissions/${firstSubmission}/report.pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename=".*attempt-1\.pdf"/);
    expect(response.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = normaliseSpace(pdfText(response.bytes));
    for (const expected of [prompt, 'Zoë Tester', 'Score: 50%', 'Pass mark: 50%', 'Final check', 'Fire Safety, "Basics"', 'Because 1.']) expect(text).toContain(expected);
    expect(text).toContain('your answer');
    expect(normaliseSpace(pdfText((await fetchBytes(learner.client, `/api/quiz-submissions/${secondSubmission}/report.pdf`)).bytes))).toContain('Score: 100%');
  });

  it('lets the course owner and staff read it, refuses other learners, and answers 404 for unknown attempts', async () => {
    const path = `/api/quiz-submissions/${firstSubmission}/report.pdf`;
    expect((await fetchBytes(moderator.client, path)).status).toBe(200);
    expect((await fetchBytes(owner, path)).status).toBe(200);
    // The course's evaluators read them too (the evaluation page links them); evaluators of other courses do not.
    const evaluator = await createUser(t().db);
    const outsider = await createUser(t().db, { roles: ['batch_evaluator'] });
    expect((await moderator.client.put(`/api/courses/${course.id}/evaluators`, { userIds: [evaluator.id] })).status).toBe(200);
    expect((await fetchBytes(await sessionFor(t(), evaluator), path)).status).toBe(200);
    expect((await fetchBytes(await sessionFor(t(), outsider), path)).status).toBe(403);
    const refused = await other.client.get(path);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect((await t().client().get(path)).status).toBe(401);
    const unknown = await moderator.client.get(`/api/quiz-submissions/00000000-0000-4000-8000-000000000000/report.pdf`);
    expect(unknown.status).toBe(404);
    expect((await moderator.client.get(`/api/quiz-submissions/not-a-uuid/report.pdf`)).status).toBe(400);
  });

  it('has no report while the attempt is open (409)', async () => {
    const third = await createCourse(t().db, { lessons: 1, quizzes: [{ title: 'Open quiz' }] });
    const taker = await learnerIn(t(), third, { complete: false });
    const started = await taker.client.post(`/api/learn/quizzes/${third.quizzes[0].id}/attempts`);
    const open = await taker.client.get(`/api/quiz-submissions/${started.body.submissionId}/report.pdf`);
    expect(open.status).toBe(409);
    expect(open.body.error.code).toBe('attempt_open');
    // Someone else learns nothing about it, open or not.
    expect((await other.client.get(`/api/quiz-submissions/${started.body.submissionId}/report.pdf`)).status).toBe(403);
  });

  it('lists every submission of an enrollment in the consolidated course quiz PDF', async () => {
    const mine = await learner.client.get('/api/me/enrollments');
    const enrollmentId = mine.body.items.find((item: { enrollment: { courseId: string } }) => item.enrollment.courseId === course.id).enrollment.id;
    const response = await fetchBytes(learner.client, `/api/enrollments/${enrollmentId}/quiz-report.pdf`);
    expect(response.status).toBe(200);
    const text = normaliseSpace(pdfText(response.bytes));
    expect(text).toContain('Zoë Tester');
    expect(text).toContain('Score: 50%');
    expect(text).toContain('Score: 100%');
    expect(text.split(prompt).length - 1).toBeGreaterThanOrEqual(2);
    expect((await fetchBytes(owner, `/api/enrollments/${enrollmentId}/quiz-report.pdf`)).status).toBe(200);
    expect((await other.client.get(`/api/enrollments/${enrollmentId}/quiz-report.pdf`)).status).toBe(403);
    expect((await moderator.client.get(`/api/enrollments/00000000-0000-4000-8000-000000000000/quiz-report.pdf`)).status).toBe(404);

    // The evaluation page links the report of the best attempt.
    const [result] = await learnerQuizAttempts(t().db, { courseId: course.id, enrollmentId });
    expect(result.bestSubmissionId).toBe(secondSubmission);
  });

  it('packs an employee’s certificates, quiz reports and assignment history into one zip', async () => {
    const issued = await moderator.client.post('/api/certificates', { memberId: learner.user.id, courseId: course.id, honoraryReason: 'Completed the classroom session' });
    expect(issued.status).toBeLessThan(300);
    const assigned = await moderator.client.post('/api/training/assignments', { userId: learner.user.id, courseId: course.id, dueOn: '2031-01-31' });
    expect(assigned.status).toBe(201);

    const response = await fetchBytes(moderator.client, `/api/users/${learner.user.id}/evidence-pack.zip`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="evidence-pack-Zoe_Tester-\d{4}-\d{2}-\d{2}\.zip"/);
    const files = await unzip(response.bytes);
    const names = [...files.keys()];
    expect(names.slice(0, 2)).toEqual(['summary.csv', 'training-assignments.csv']);
    const certificates = names.filter((name) => name.startsWith('certificates/'));
    const reports = names.filter((name) => name.startsWith('quiz-reports/'));
    const consolidated = names.filter((name) => name.startsWith('course-quiz-reports/'));
    expect(certificates).toHaveLength(1);
    expect(reports).toEqual(['quiz-reports/Fire_Safety_Basics/Final_check-attempt-1.pdf', 'quiz-reports/Fire_Safety_Basics/Final_check-attempt-2.pdf']);
    expect(consolidated).toEqual(['course-quiz-reports/Fire_Safety_Basics.pdf']);

    const certificateText = normaliseSpace(pdfText(files.get(certificates[0])!));
    expect(certificateText).toContain('Zoë Tester');
    expect(certificateText).toContain(issued.body.publicId);
    expect(normaliseSpace(pdfText(files.get(reports[1])!))).toContain('Score: 100%');

    const history = parseCsv(files.get('training-assignments.csv')!.toString('utf8'));
    expect(history[0]).toEqual(['Reference', 'Course', 'Due on', 'Status', 'Completed on', 'Expires on', 'Cycle', 'Source', 'Assigned by', 'Assigned at']);
    expect(history).toHaveLength(2);
    expect(history[1].slice(0, 4)).toEqual([assigned.body.reference, 'Fire Safety, "Basics"', '2031-01-31', assigned.body.status]);
    expect(history[1][8]).toBe(moderator.user.name);

    const summary = parseCsv(files.get('summary.csv')!.toString('utf8'));
    expect(summary[0]).toEqual(['File', 'Kind', 'Employee', 'Email', 'Course', 'Details', 'Date']);
    expect(summary.slice(1).map((row) => row[0]).sort()).toEqual([...names].sort());
    expect(summary.find((row) => row[0] === certificates[0])?.[1]).toBe('certificate');

    // A revoked certificate stays in the file, marked so it cannot pass for a valid one.
    expect((await moderator.client.post(`/api/certificates/${issued.body.id}/revoke`, { reason: 'Issued in error' })).status).toBe(200);
    const after = await unzip((await fetchBytes(moderator.client, `/api/users/${learner.user.id}/evidence-pack.zip`)).bytes);
    const revoked = [...after.keys()].filter((name) => name.startsWith('certificates/'));
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatch(/-revoked\.pdf$/);
    expect(normaliseSpace(pdfText(after.get(revoked[0])!))).toContain('Status: revoked');
  });

  it('gives the pack to staff and reports:read integrations only', async () => {
    const path = `/api/users/${learner.user.id}/evidence-pack.zip`;
    expect((await learner.client.get(path)).status).toBe(403);
    expect((await owner.get(path)).status).toBe(403);
    expect((await moderator.client.get('/api/users/00000000-0000-4000-8000-000000000000/evidence-pack.zip')).status).toBe(404);

    const manager = await sessionFor(t(), await createUser(t().db, { roles: ['system_manager'] }));
    const key = await manager.post('/api/api-keys', { name: 'HR system', scopes: ['reports:read'] });
    expect(key.status).toBe(201);
    const integration = await fetchBytes(t().client(), path, { authorization: `Bearer ${key.body.secret}` });
    expect(integration.status).toBe(200);
    expect([...(await unzip(integration.bytes)).keys()]).toContain('training-assignments.csv');

    // A person with no history still gets a well-formed pack: the index and an empty history.
    const newcomer = await createUser(t().db, { name: 'New Starter' });
    const empty = await fetchBytes(moderator.client, `/api/users/${newcomer.id}/evidence-pack.zip`);
    expect(empty.status).toBe(200);
    const files = await unzip(empty.bytes);
    expect([...files.keys()]).toEqual(['summary.csv', 'training-assignments.csv']);
    expect(parseCsv(files.get('training-assignments.csv')!.toString('utf8'))).toHaveLength(1);
  });
});
