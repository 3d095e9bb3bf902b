import { z } from 'zod';
import { defineJob } from '../../jobs/define.ts';
import { runTrainingSweep } from './sweep.ts';

/**
 * The training sweep: overdue, reminders 7 days ahead, overdue notices, the moderators' digest,
 * recertification. Runs hourly rather than once at 01:00 because the organisation's timezone is a
 * setting and cron zones are fixed at start: every run is idempotent (flags set in the UPDATEs
 * that pick rows, dedupe keys on every message), so hourly runs do what one daily run in the
 * organisation's zone does, and an assignment turns overdue within the hour after local midnight.
 */
export const trainingSweepJob = defineJob({
  name: 'training.sweep',
  schema: z.object({}),
  cron: { expression: '5 * * * *' },
  expireInSeconds: 30 * 60,
  handler: async (_payload, { db, mailer, relay, log, now }) => {
    await runTrainingSweep({ db, mailer, relay, log, now: now() });
  },
});
