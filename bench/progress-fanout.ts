import { io } from 'socket.io-client';
import { cohortCourses, cohortMembers, cohorts } from '../server/modules/cohorts/schema.ts';
import { enrollments } from '../server/modules/enrollment/schema.ts';
import type { EnrollmentDto } from '../server/modules/enrollment/dto.ts';
import type { WatchReply } from '../server/realtime/events.ts';
import { createCourse } from '../tests/support/courses.ts';
import { startBenchApp } from './support/app-fixture.ts';
import { percentile, round } from './support/measure.ts';

const LEARNERS = Number(process.env.BENCH_LEARNERS ?? 200);
const LESSONS = Number(process.env.BENCH_LESSONS ?? 5);

/**
 * progress_fanout: LEARNERS learners of one cohort complete LESSONS lessons each, all at once
 * (each learner one lesson after another), while a moderator's cohort dashboard socket listens.
 * Measured per completion: from sending the request to the dashboard receiving the learner's
 * `enrollment.updated`; and completions per second over the whole burst.
 */
export async function run(): Promise<Record<string, number>> {
  const bench = await startBenchApp();
  try {
    const { db } = bench.database;
    const [moderator] = await bench.createPeople(1, 'moderator', 'moderator');
    const learners = await bench.createPeople(LEARNERS, 'student', 'learner');
    const course = await createCourse(db, { ownerId: moderator.id, lessons: LESSONS });
    const [cohort] = await db
      .insert(cohorts)
      .values({ title: 'Bench cohort', startsOn: '2026-01-01', endsOn: '2026-12-31', timezone: 'UTC', createdBy: moderator.id })
      .returning({ id: cohorts.id });
    await db.insert(cohortCourses).values({ cohortId: cohort.id, courseId: course.id });
    await db.insert(cohortMembers).values(learners.map((l) => ({ cohortId: cohort.id, userId: l.id })));
    await db.insert(enrollments).values(learners.map((l) => ({ userId: l.id, courseId: course.id, source: 'cohort' as const })));

    const url = bench.app.url;
    const dashboard = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie: moderator.cookie } });
    await new Promise<void>((resolve, reject) => {
      dashboard.once('ready', () => resolve());
      dashboard.once('connect_error', reject);
    });
    const watched = await dashboard.emitWithAck('watch', { kind: 'cohort', id: cohort.id }) as WatchReply;
    if (!watched.ok) throw new Error(`could not watch the cohort: ${watched.error}`);

    const sentAt = new Map<string, number>();
    const delays: number[] = [];
    const expected = LEARNERS * LESSONS;
    let allHeard!: () => void;
    const heard = new Promise<void>((resolve) => (allHeard = resolve));
    dashboard.on('enrollment.updated', (enrollment: EnrollmentDto) => {
      const key = `${enrollment.userId}:${enrollment.completedLessonIds.length}`;
      const started = sentAt.get(key);
      if (started === undefined) return;
      sentAt.delete(key);
      delays.push(performance.now() - started);
      if (delays.length === expected) allHeard();
    });

    const burstStarted = performance.now();
    await Promise.all(
      learners.map(async (learner) => {
        for (const [index, lessonId] of course.lessonIds.entries()) {
          sentAt.set(`${learner.id}:${index + 1}`, performance.now());
          const response = await fetch(`${url}/api/learn/lessons/${lessonId}/complete`, { method: 'POST', headers: { cookie: learner.cookie, origin: url } });
          if (!response.ok) throw new Error(`complete answered ${response.status}: ${await response.text()}`);
        }
      }),
    );
    await Promise.race([heard, new Promise((_, reject) => setTimeout(() => reject(new Error(`dashboard heard ${delays.length} of ${expected}`)), 30_000))]);
    const seconds = (performance.now() - burstStarted) / 1000;
    dashboard.close();
    return {
      learners: LEARNERS,
      updates: expected,
      updates_per_s: round(expected / seconds),
      p50_ms: round(percentile(delays, 50)),
      p99_ms: round(percentile(delays, 99)),
    };
  } finally {
    await bench.close();
  }
}
