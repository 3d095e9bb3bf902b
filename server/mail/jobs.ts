import { z } from 'zod';
import { defineJob } from '../jobs/define.ts';

/** Sends one message with retries. `dedupeKey` keeps a retried job from sending twice. */
export const mailDeliveryJob = defineJob({
  name: 'mail.deliver',
  schema: z.object({
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    html: z.string().optional(),
    dedupeKey: z.string(),
  }),
  retry: { limit: 8, delaySeconds: 30, backoff: true },
  handler: async (mail, { mailer }) => {
    await mailer.send(mail);
  },
});
