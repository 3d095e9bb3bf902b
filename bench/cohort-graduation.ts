import { SMTPServer } from 'smtp-server';
import { createCourse } from '../tests/support/courses.ts';
import { startBenchApp } from './support/app-fixture.ts';
import { round } from './support/measure.ts';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1000);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 15 * 60_000);

/** A loopback SMTP server that accepts every message and counts it (bodies are read and dropped). */
async function countingSmtpServer(): Promise<{ url: string; accepted: () => number; stop: () => Promise<void> }> {
  let accepted = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        accepted++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `smtp://127.0.0.1:${port}`, accepted: () => accepted, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * cohort_graduation: MEMBERS cohort members have finished a certification course; a moderator
 * issues their certificates in bulk over HTTP. Timed from the request until every certificate is
 * issued, rendered to PDF and its congratulation (PDF attached) accepted by a loopback SMTP
 * server, all through the app's job queue in its own process.
 */
export async function run(): Promise<Record<string, number>> {
  const smtp = await countingSmtpServer();
  // A pooled SMTP transport (nodemailer's `pool` URL option), as a server sending bulk mail would use.
  const bench = await startBenchApp({ SMTP_URL: `${smtp.url}/?pool=true&maxConnections=4` });
  try {
    const { db, sql } = bench.database;
    const [moderator] = await bench.createPeople(1, 'moderator', 'moderator');
    const course = await createCourse(db, { ownerId: moderator.id, lessons: 3, title: 'Workplace Fire Safety and Emergency Evacuation', settings: { enableCertification: true, isMandatory: true, validityDays: 365 } });
    // The cohort and its finished members, written directly: the measured part is the graduation.
    const [cohort] = await sql`
      insert into cohorts (title, starts_on, ends_on, timezone, created_by) values ('Graduating cohort', '2026-01-05', '2026-06-30', 'UTC', ${moderator.id}) returning id`;
    await sql`insert into cohort_courses (cohort_id, course_id) values (${cohort.id}, ${course.id})`;
    await sql`
      insert into users (email, name, password_hash, timezone)
      select 'graduate' || i || '@bench.test', 'Graduate Nº ' || i || ' Åsa-Brontë', 'x', 'UTC' from generate_series(1, ${MEMBERS}) i`;
    await sql`insert into user_roles (user_id, role) select id, 'student' from users where email like 'graduate%@bench.test'`;
    await sql`insert into cohort_members (cohort_id, user_id) select ${cohort.id}, id from users where email like 'graduate%@bench.test'`;
    await sql`
      insert into enrollments (user_id, course_id, source, progress, completed_at)
      select id, ${course.id}, 'cohort', 100, now() from users where email like 'graduate%@bench.test'`;
    await sql`
      insert into lesson_completions (enrollment_id, lesson_id)
      select e.id, l.id from enrollments e join lessons l on l.course_id = e.course_id where e.course_id = ${course.id}`;
    await sql`vacuum analyze`;

    const url = bench.app.url;
    const started = performance.now();
    const response = await fetch(`${url}/api/certificates/bulk`, {
      method: 'POST',
      headers: { cookie: moderator.cookie, origin: url, 'content-type': 'application/json' },
      body: JSON.stringify({ cohortId: cohort.id, courseId: course.id }),
    });
    const queued = (await response.json()) as { batchId: string; eligible: number };
    if (response.status !== 202 || queued.eligible !== MEMBERS) throw new Error(`bulk issue answered ${response.status}: ${JSON.stringify(queued)}`);

    let certificates = 0;
    let delivered = 0;
    while (true) {
      const [counts] = await sql`select count(*)::int as issued, count(delivered_at)::int as delivered from certificates where batch_id = ${queued.batchId}`;
      certificates = counts.issued;
      delivered = counts.delivered;
      if (delivered >= MEMBERS && smtp.accepted() >= MEMBERS) break;
      if (performance.now() - started > TIMEOUT_MS) throw new Error(`timed out: ${certificates} issued, ${delivered} delivered, ${smtp.accepted()} mails accepted`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const totalSeconds = (performance.now() - started) / 1000;
    return { members: MEMBERS, total_s: round(totalSeconds, 1), certificates, emails: smtp.accepted() };
  } finally {
    await bench.close();
    await smtp.stop();
  }
}
