import { z } from 'zod';
import type { JobContext } from '../../jobs/define.ts';
import { defineJob } from '../../jobs/define.ts';
import { issueBatchChunk } from './bulk.ts';
import { issueClaim } from './claims.ts';
import { deliverCertificates } from './delivery.ts';
import { issueAfterEvaluation } from './issuance.ts';
import type { ReadContext } from './queries.ts';

/** Where people reach the app (links in mails and events), as the HTTP side sees it, and the time. */
function jobReadContext(context: JobContext): ReadContext {
  return { baseUrl: context.baseUrl(), now: context.now() };
}

/** Renders and mails what was issued; retried with backoff (an SMTP outage), never twice per certificate. */
async function deliver(context: JobContext, certificateIds: string[]): Promise<void> {
  if (!certificateIds.length) return;
  await deliverCertificates({ db: context.db, mailer: context.mailer, publish: (events) => context.relay.publish(events) }, { certificateIds, ...jobReadContext(context) });
}

const retry = { limit: 10, delaySeconds: 2, backoff: true };

/** Get Certified: issue the claim's certificate, tell the learner live, then mail it with the PDF. */
export const issueClaimJob = defineJob({
  name: 'certificates.issue-claim',
  schema: z.object({ claimId: z.uuid() }),
  retry,
  handler: async ({ claimId }, context) => {
    const issued = await issueClaim(context.db, { claimId, ...jobReadContext(context) });
    context.relay.publish(issued.events);
    await deliver(context, issued.value ? [issued.value] : []);
  },
});

/** After a passed evaluation: the certificate linked to the request, the learner told, the mail. */
export const issueAfterEvaluationJob = defineJob({
  name: 'certificates.issue-after-evaluation',
  schema: z.object({ certificateRequestId: z.uuid() }),
  retry,
  handler: async ({ certificateRequestId }, context) => {
    const issued = await issueAfterEvaluation(context.db, { certificateRequestId, ...jobReadContext(context) });
    context.relay.publish(issued.events);
    await deliver(context, issued.value ? [issued.value] : []);
  },
});

/** One chunk of a cohort's bulk issuance: issue, then render and mail each. */
export const issueBatchJob = defineJob({
  name: 'certificates.issue-batch',
  schema: z.object({ batchId: z.uuid(), chunk: z.number().int().min(0), memberIds: z.array(z.uuid()).min(1).max(500) }),
  retry,
  expireInSeconds: 30 * 60,
  handler: async (payload, context) => {
    const issued = await issueBatchChunk(context.db, { ...payload, ...jobReadContext(context) });
    context.relay.publish(issued.events);
    await deliver(context, issued.value);
  },
});

/** The congratulation of certificates issued by staff (manual, reissue). */
export const deliverCertificatesJob = defineJob({
  name: 'certificates.deliver',
  schema: z.object({ certificateIds: z.array(z.uuid()).min(1).max(500) }),
  retry,
  handler: async ({ certificateIds }, context) => deliver(context, certificateIds),
});

export const certificateJobs = [issueClaimJob, issueAfterEvaluationJob, issueBatchJob, deliverCertificatesJob] as const;
