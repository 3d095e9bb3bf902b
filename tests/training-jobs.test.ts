import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/app.ts';
import { createCourse } from './support/courses.ts';
import { createUser, signIn } from './support/factories.ts';
import { waitUntil } from './support/wait.ts';

/** Today in `timeZone`, as YYYY-MM-DD. */
function todayIn(timeZone: string, offsetDays = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + offsetDays * 86_400_000));
}

describe('training in the organisation timezone, and the sweep as a pg-boss job', () => {
  const t = useTestApp({ workJobs: true });

  it('dates completions and due dates in the organisation timezone (a setting)', async () => {
    const admin = await signIn(t().client(), await createUser(t().db, { roles: ['system_manager'] }));
    const zone = 'Pacific/Kiritimati'; // UTC+14: its day is often not UTC's
    const schedule = async () => (await t().database.sql`select cron, timezone from pgboss.schedule where name = 'training.sweep'`)[0];
    expect(await schedule()).toEqual({ cron: '0 1 * * *', timezone: 'UTC' });
    const saved = await admin.patch('/api/settings', { organisationTimezone: zone, onboardingDueDays: 10 });
    expect(saved.status).toBe(200);
    // The daily sweep moves with the setting: 01:00 in the organisation's timezone.
    expect(await schedule()).toEqual({ cron: '0 1 * * *', timezone: zone });
    expect(saved.body).toMatchObject({ organisationTimezone: zone, onboardingDueDays: 10, recertificationWindowDays: 30 });
    expect((await admin.patch('/api/settings', { organisationTimezone: 'Mars/Olympus' })).status).toBe(400);

    const course = await createCourse(t().db, { lessons: 1 });
    const learnerUser = await createUser(t().db);
    const created = await admin.post('/api/training/assignments', { userId: learnerUser.id, courseId: course.id, dueOn: todayIn(zone, 5) });
    expect(created.status).toBe(201);
    await (await signIn(t().client(), learnerUser)).post(`/api/learn/lessons/${course.lessonIds[0]}/complete`);
    const mine = (await (await signIn(t().client(), learnerUser)).get('/api/me/training')).body.assignments;
    expect(mine[0]).toMatchObject({ status: 'completed', completedOn: todayIn(zone) });

    const mandatory = await createCourse(t().db, { settings: { isMandatory: true } });
    const key = (await admin.post('/api/api-keys', { name: 'HR', scopes: ['onboarding'] })).body.secret;
    const onboarded = await t().client().withBearer(key).post('/api/integrations/onboarding', { email: `tz-${Date.now()}@example.test`, name: 'Zoned' });
    expect(onboarded.body.assignments.find((a: { courseId: string }) => a.courseId === mandatory.id).dueOn).toBe(todayIn(zone, 10));
  });

  it('runs the sweep through the job queue', async () => {
    const admin = await signIn(t().client(), await createUser(t().db, { roles: ['moderator'] }));
    const course = await createCourse(t().db, { title: 'Queue Safety' });
    const learner = await createUser(t().db);
    const { body } = await admin.post('/api/training/assignments', { userId: learner.id, courseId: course.id, dueOn: todayIn('Pacific/Kiritimati', 2) });
    await t().jobs.send('training.sweep', {});
    const [mail] = await waitUntil(async () => {
      const rows = await t().database.sql`select subject from mail_messages where dedupe_key = ${`training-reminder:${body.id}`}`;
      return rows.length ? rows : undefined;
    }, 15_000, 'the reminder');
    expect(mail.subject).toBe('Training Reminder: Queue Safety');
  });
});
