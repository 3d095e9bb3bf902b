import { z } from 'zod';
import { defineJob } from '../../jobs/define.ts';
import { readSetting } from '../system/settings.ts';
import { runTrainingSweep } from './sweep.ts';

/**
 * The daily training sweep at 01:00 in the organisation's timezone: overdue, reminders 7 days
 * ahead, overdue notices, the moderators' digest, recertification. Changing the timezone setting
 * moves the schedule (`refreshSchedules`). Every run is idempotent (flags set in the UPDATEs that
 * pick rows, dedupe keys on every message), so a retry, a second node or a run by hand does
 * nothing twice.
 */
export const trainingSweepJob = defineJob({
  name: 'training.sweep',
  schema: z.object({}),
  cron: { expression: '0 1 * * *', tz: (db) => readSetting(db, 'organisationTimezone') },
  expireInSeconds: 30 * 60,
  handler: async (_payload, { db, mailer, relay, log, now, baseUrl }) => {
    await runTrainingSweep({ db, mailer, relay, log, now: now(), baseUrl: baseUrl() });
  },
});
