import type { z } from 'zod';
import { mailDeliveryJob, mailFlushJob } from '../mail/jobs.ts';
import { deliverCertificatesJob, issueAfterEvaluationJob, issueBatchJob, issueClaimJob } from '../modules/certificates/jobs.ts';
import { requestNoticeJob } from '../modules/scheduling/jobs.ts';
import { outcomeNoticeJob } from '../modules/scheduling/outcome-notice.ts';
import { waitlistOpeningJob } from '../modules/scheduling/waitlist-jobs.ts';
import { requestReminderJob } from '../modules/scheduling/reminders.ts';
import { cancelStaleRequestsJob } from '../modules/scheduling/stale.ts';
import { trainingSweepJob } from '../modules/training/jobs.ts';
import { sessionCleanupJob } from '../modules/users/jobs.ts';

/** Every job the platform runs. A module adds its jobs here; nothing else registers queues. */
export const jobRegistry = [sessionCleanupJob, mailDeliveryJob, mailFlushJob, requestNoticeJob, trainingSweepJob, requestReminderJob, cancelStaleRequestsJob, outcomeNoticeJob, waitlistOpeningJob, issueClaimJob, issueAfterEvaluationJob, issueBatchJob, deliverCertificatesJob] as const;

type Registry = (typeof jobRegistry)[number];
export type JobName = Registry['name'];
export type JobPayload<N extends JobName> = z.input<Extract<Registry, { name: N }>['schema']>;
