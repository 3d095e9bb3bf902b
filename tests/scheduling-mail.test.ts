import { eq, like } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { mailMessages } from '../server/mail/schema.ts';
import { useTestApp } from './support/app.ts';
import { enrolledLearner, setClock, setUpEvaluation } from './support/scheduling.ts';
import { useSmtpServer, type ReceivedMail } from './support/smtp.ts';
import { waitUntil } from './support/wait.ts';

/** The text/calendar part of a received message, decoded, with folded lines joined. */
function calendarOf(mail: ReceivedMail): string {
  const part = /Content-Type: text\/calendar[^]*?\r?\n\r?\n([^]*?)\r?\n--/i.exec(mail.raw);
  if (!part) throw new Error(`no calendar in ${mail.subject}`);
  const headers = mail.raw.slice(mail.raw.indexOf(part[0]), mail.raw.indexOf(part[0]) + part[0].length - part[1].length);
  const encoding = /Content-Transfer-Encoding: (\S+)/i.exec(headers)?.[1]?.toLowerCase();
  const body = encoding === 'base64'
    ? Buffer.from(part[1].replace(/\s+/g, ''), 'base64').toString('utf8')
    : encoding === 'quoted-printable'
      ? part[1].replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
      : part[1];
  return body.replace(/\r?\n[ \t]/g, '');
}
/** The Subject header with folded lines joined (the test server keeps only its first line). */
const subjectOf = (mail: ReceivedMail) => /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(mail.raw)?.[1].replace(/\r?\n[ \t]/g, ' ') ?? '';
const field = (calendar: string, name: string) => new RegExp(`^${name}[:;](.*)$`, 'm').exec(calendar)?.[1]?.trim();

describe('scheduling: emails with calendar invitations', () => {
  const smtp = useSmtpServer();
  const t = useTestApp({ smtpUrl: () => smtp.url, workJobs: true });
  afterEach(() => t().clock.reset());

  it('mails learner and evaluator an .ics on booking, reschedule and cancel: one UID, SEQUENCE raised, REQUEST then CANCEL', async () => {
    const { course, evaluators } = await setUpEvaluation(t(), { timezone: 'Europe/Berlin', weekly: [{ weekday: 1, start: '09:00', end: '11:00' }] });
    setClock(t().clock, '2027-02-04T12:00:00Z');
    const learner = await enrolledLearner(t(), course, { timezone: 'America/New_York' });
    const evaluator = evaluators[0].user;
    const booked = await learner.client.post(`/api/courses/${course.id}/certificate-requests`, { startsAt: '2027-02-08T08:00:00Z' });
    expect(booked.status).toBe(201);
    const id = booked.body.id as string;

    const toLearner = await smtp.waitFor((m) => m.to.includes(learner.user.email) && m.subject.startsWith('Evaluation booked'));
    const toEvaluator = await smtp.waitFor((m) => m.to.includes(evaluator.email) && m.subject.startsWith('Evaluation booked'));
    // Each in their own zone: 03:00 in New York, 09:00 in Berlin.
    expect(subjectOf(toLearner)).toContain('03:00');
    expect(subjectOf(toEvaluator)).toContain('09:00');
    const first = calendarOf(toLearner);
    expect(field(first, 'METHOD')).toBe('REQUEST');
    expect(field(first, 'UID')).toBe(`certificate-request-${id}@learning-platform`);
    expect(field(first, 'SEQUENCE')).toBe('0');
    expect(field(first, 'DTSTART')).toBe('20270208T080000Z');
    expect(field(first, 'LOCATION')).toBe('https://meet.example.test/eval');
    expect(field(calendarOf(toEvaluator), 'UID')).toBe(field(first, 'UID'));

    await learner.client.post(`/api/certificate-requests/${id}/reschedule`, { startsAt: '2027-02-08T09:00:00Z' });
    const moved = calendarOf(await smtp.waitFor((m) => m.to.includes(learner.user.email) && m.subject.startsWith('Evaluation moved')));
    expect([field(moved, 'METHOD'), field(moved, 'UID'), field(moved, 'SEQUENCE'), field(moved, 'DTSTART')]).toEqual(['REQUEST', field(first, 'UID'), '1', '20270208T090000Z']);

    await learner.client.post(`/api/certificate-requests/${id}/cancel`, { reason: 'Moving house' });
    const cancelled = await smtp.waitFor((m) => m.to.includes(evaluator.email) && m.subject.startsWith('Evaluation cancelled'));
    expect(cancelled.raw).toContain('Moving house');
    const last = calendarOf(cancelled);
    expect([field(last, 'METHOD'), field(last, 'UID'), field(last, 'SEQUENCE'), field(last, 'STATUS')]).toEqual(['CANCEL', field(first, 'UID'), '2', 'CANCELLED']);

    // Every message is in the mail log with its invitation, once per change and recipient.
    const logged = await waitUntil(async () => {
      const rows = await t().db.select().from(mailMessages).where(like(mailMessages.dedupeKey, `certificate-request:${id}:%`));
      // Six rows, each past its send (a row is recorded before the SMTP exchange ends).
      return rows.length === 6 && rows.every((r) => r.status !== 'pending') ? rows : undefined;
    });
    expect(logged.map((r) => r.dedupeKey).sort()).toEqual(
      [0, 1, 2].flatMap((sequence) => [learner.user.id, evaluator.id].map((user) => `certificate-request:${id}:${sequence}:${user}`)).sort(),
    );
    expect(logged.every((r) => r.status === 'sent' && r.attachments.some((a) => a.contentType === 'text/calendar' && a.filename === 'evaluation.ics'))).toBe(true);
  });

  it('sends each message once, however often the job runs', async () => {
    const { course } = await setUpEvaluation(t(), { weekly: [{ weekday: 1, start: '09:00', end: '11:00' }] });
    setClock(t().clock, '2027-02-04T12:00:00Z');
    const learner = await enrolledLearner(t(), course);
    const booked = await learner.client.post(`/api/courses/${course.id}/certificate-requests`, { startsAt: '2027-02-08T10:00:00Z' });
    const key = `certificate-request:${booked.body.id}:0:${learner.user.id}`;
    await waitUntil(async () => ((await t().db.select().from(mailMessages).where(eq(mailMessages.dedupeKey, key))).length ? true : undefined));
    const [job] = await t().database.sql`select data from pgboss.job where name = 'scheduling.request-notice' and data->>'requestId' = ${booked.body.id}`;
    const again = await t().jobs.send('scheduling.request-notice', job.data);
    await waitUntil(async () => ((await t().database.sql`select state from pgboss.job where id = ${again!}`)[0]?.state === 'completed' ? true : undefined));
    expect(smtp.received.filter((m) => m.to.includes(learner.user.email))).toHaveLength(1);
  });
});
