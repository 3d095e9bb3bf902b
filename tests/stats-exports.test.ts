import { describe, expect, it } from 'vitest';
import { csvField } from '../server/modules/stats/csv.ts';
import { useTestApp } from './support/app.ts';
import { createCourse } from './support/courses.ts';
import { createUser, signIn } from './support/factories.ts';
import { sessionFor } from './support/scheduling.ts';

/** Parses RFC 4180 CSV (quoted fields with commas, quotes and line breaks) into rows of fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/** Rows as objects keyed by the header. */
function records(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]])));
}

describe('statistics: CSV exports and the audit trail', () => {
  const t = useTestApp();

  it('neutralises formulas and quotes what needs quoting', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tcmd')).toBe("'\tcmd");
    expect(csvField(-2)).toBe('-2');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField(null)).toBe('');
    expect(csvField(true)).toBe('true');
  });

  it('streams enrollments filtered by course, cohort, status and dates, escaping names; staff and reports:read keys only', async () => {
    const moderator = await sessionFor(t(), await createUser(t().db, { roles: ['moderator'] }));
    const course = await createCourse(t().db, { title: 'Safety, "first"', lessons: 1 });
    const other = await createCourse(t().db, { title: 'Other', lessons: 1 });
    const tricky = await createUser(t().db, { name: '=cmd|"/c calc"!A0', email: 'tricky@example.test' });
    const plain = await createUser(t().db, { name: 'Line\nBreak', email: 'plain@example.test' });
    const outsider = await createUser(t().db, { name: 'Outsider', email: 'outsider@example.test' });
    for (const user of [tricky, plain, outsider]) await (await sessionFor(t(), user)).post(`/api/courses/${course.id}/enroll`);
    await (await sessionFor(t(), plain)).post(`/api/learn/lessons/${course.lessonIds[0]}/complete`);
    await (await sessionFor(t(), tricky)).post(`/api/courses/${other.id}/enroll`);
    const { body: cohort } = await moderator.post('/api/cohorts', { title: 'Spring', startsOn: '2026-01-01', endsOn: '2026-12-31', timezone: 'UTC' });
    await moderator.put(`/api/cohorts/${cohort.id}/courses`, { courses: [{ courseId: course.id, evaluatorId: null }] });
    await moderator.post(`/api/cohorts/${cohort.id}/members`, { userIds: [tricky.id, plain.id] });
    await t().database.sql`update enrollments set enrolled_at = '2025-03-10T12:00:00Z' where user_id = ${outsider.id}`;

    const all = await moderator.get('/api/stats/exports/enrollments.csv');
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(all.headers.get('content-disposition')).toContain('enrollments.csv');
    const rows = records(all.body);
    expect(rows).toHaveLength(4);
    expect(parseCsv(all.body)[0]).toEqual(['enrollment_id', 'learner', 'email', 'department', 'course', 'source', 'status', 'progress', 'enrolled_at', 'completed_at', 'removed_at']);
    const trickyRow = rows.find((r) => r.email === 'tricky@example.test' && r.course === 'Safety, "first"')!;
    expect(trickyRow.learner).toBe(`'=cmd|"/c calc"!A0`);
    expect(rows.find((r) => r.email === 'plain@example.test')).toMatchObject({ learner: 'Line\nBreak', progress: '100', status: 'active' });
    expect(all.body).toContain('"Safety, ""first"""');

    const inCourse = records((await moderator.get(`/api/stats/exports/enrollments.csv?courseId=${course.id}`)).body);
    expect(inCourse.map((r) => r.email).sort()).toEqual(['outsider@example.test', 'plain@example.test', 'tricky@example.test']);
    // The cohort's members, in the cohort's courses only (not tricky's "Other").
    const inCohort = records((await moderator.get(`/api/stats/exports/enrollments.csv?cohortId=${cohort.id}`)).body);
    expect(inCohort.map((r) => `${r.email} ${r.course}`).sort()).toEqual(['plain@example.test Safety, "first"', 'tricky@example.test Safety, "first"']);
    const completed = records((await moderator.get(`/api/stats/exports/enrollments.csv?status=completed`)).body);
    expect(completed.map((r) => r.email)).toEqual(['plain@example.test']);
    const march = records((await moderator.get('/api/stats/exports/enrollments.csv?from=2025-03-10&to=2025-03-10')).body);
    expect(march.map((r) => r.email)).toEqual(['outsider@example.test']);
    expect(records((await moderator.get('/api/stats/exports/enrollments.csv?to=2025-03-09')).body)).toEqual([]);
    expect((await moderator.get('/api/stats/exports/enrollments.csv?from=2025-03-10&to=2025-03-01')).status).toBe(400);
    expect((await moderator.get('/api/stats/exports/enrollments.csv?status=sideways')).status).toBe(400);

    const learner = await sessionFor(t(), tricky);
    expect((await learner.get('/api/stats/exports/enrollments.csv')).status).toBe(403);
    expect((await learner.get('/api/stats/exports/quiz-submissions.csv')).status).toBe(403);

    // An integration: a key with reports:read may export, one without may not.
    const manager = await signIn(t().client(), await createUser(t().db, { roles: ['system_manager'] }));
    const reports = await manager.post('/api/api-keys', { name: 'HR warehouse', scopes: ['reports:read'] });
    expect(reports.status).toBe(201);
    const viaKey = await t().client().withBearer(reports.body.secret).get(`/api/stats/exports/enrollments.csv?courseId=${course.id}`);
    expect(viaKey.status).toBe(200);
    expect(records(viaKey.body)).toHaveLength(3);
    const onboarding = await manager.post('/api/api-keys', { name: 'HR onboarding', scopes: ['onboarding'] });
    expect((await t().client().withBearer(onboarding.body.secret).get('/api/stats/exports/enrollments.csv')).status).toBe(403);
    expect((await t().client().withBearer(reports.body.secret).get('/api/stats/overview')).status).toBe(403);
  });

  it('streams submitted quiz attempts with scores, filtered by course and pass', async () => {
    const moderator = await sessionFor(t(), await createUser(t().db, { roles: ['moderator'] }));
    const course = await createCourse(t().db, { title: 'Quizzed', lessons: 1, quizzes: [{ title: '+Quiz, one', passPercentage: 50 }] });
    const quiz = course.quizzes[0];
    const user = await createUser(t().db, { email: 'quizzer@example.test' });
    const learner = await sessionFor(t(), user);
    await learner.post(`/api/courses/${course.id}/enroll`);
    const wrong = await learner.post(`/api/learn/quizzes/${quiz.id}/attempts`);
    await learner.post(`/api/learn/submissions/${wrong.body.submissionId}/submit`, { answers: quiz.questions.map((q) => ({ questionId: q.id, optionIds: [q.optionIds[2]] })) });
    const right = await learner.post(`/api/learn/quizzes/${quiz.id}/attempts`);
    await learner.post(`/api/learn/submissions/${right.body.submissionId}/submit`, { answers: quiz.questions.map((q) => ({ questionId: q.id, optionIds: q.correctOptionIds })) });
    // An attempt started and never submitted is not exported.
    await learner.post(`/api/learn/quizzes/${quiz.id}/attempts`);

    const response = await moderator.get(`/api/stats/exports/quiz-submissions.csv?courseId=${course.id}`);
    expect(response.status).toBe(200);
    const rows = records(response.body);
    expect(rows.map((r) => [r.attempt, r.percentage, r.passed, r.score, r.max_score])).toEqual([
      ['1', '0', 'false', '0', '2'],
      ['2', '100', 'true', '2', '2'],
    ]);
    expect(rows[0]).toMatchObject({ email: 'quizzer@example.test', course: 'Quizzed', quiz: "'+Quiz, one" });
    const passedOnly = records((await moderator.get(`/api/stats/exports/quiz-submissions.csv?courseId=${course.id}&status=passed`)).body);
    expect(passedOnly.map((r) => r.attempt)).toEqual(['2']);
  });

  it('pages the audit trail newest first by keyset, filtered by actor, action, subject and time', async () => {
    const moderatorUser = await createUser(t().db, { roles: ['moderator'], name: 'Mona Moderator' });
    const moderator = await sessionFor(t(), moderatorUser);
    const course = await createCourse(t().db, { lessons: 1 });
    const learners = await Promise.all(Array.from({ length: 5 }, () => createUser(t().db)));
    const day = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    for (const learner of learners) expect((await moderator.post('/api/training/assignments', { userId: learner.id, courseId: course.id, dueOn: day })).status).toBe(201);

    const first = await moderator.get(`/api/audit?actorId=${moderatorUser.id}&action=training_assigned&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.actions).toContain('training_assigned');
    expect(first.body.subjectTypes).toContain('training_assignment');
    expect(first.body.events).toHaveLength(2);
    expect(first.body.events[0]).toMatchObject({ actorId: moderatorUser.id, actorName: 'Mona Moderator', action: 'training_assigned', subjectType: 'training_assignment' });
    const seen = [...first.body.events];
    let cursor = first.body.nextCursor;
    while (cursor) {
      const page = await moderator.get(`/api/audit?actorId=${moderatorUser.id}&action=training_assigned&limit=2&cursor=${cursor}`);
      seen.push(...page.body.events);
      cursor = page.body.nextCursor;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen.map((e) => e.id)).size).toBe(5);
    expect(seen.map((e) => e.details.userId).sort()).toEqual(learners.map((l) => l.id).sort());
    const times = seen.map((e) => Date.parse(e.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const keys = (await moderator.get('/api/audit?subjectType=api_key')).body.events;
    expect(keys.every((e: { subjectType: string }) => e.subjectType === 'api_key')).toBe(true);
    expect((await moderator.get(`/api/audit?subjectType=api_key&actorId=${moderatorUser.id}`)).body.events).toEqual([]);
    expect((await moderator.get(`/api/audit?subjectType=training_assignment&actorId=${moderatorUser.id}&limit=200`)).body.events).toHaveLength(5);
    expect((await moderator.get(`/api/audit?action=training_assigned&to=${encodeURIComponent('2020-01-01T00:00:00Z')}`)).body.events).toEqual([]);
    expect((await moderator.get(`/api/audit?action=training_assigned&from=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`)).body.events).toHaveLength(5);
    expect((await moderator.get('/api/audit?cursor=not-a-cursor')).status).toBe(400);
    expect((await (await sessionFor(t(), learners[0])).get('/api/audit')).status).toBe(403);
  });
});
