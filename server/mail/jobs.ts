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

/**
 * Every minute: sends queued messages a crash or an SMTP failure left behind (the sweep and other
 * transactional senders also flush right after they commit, so this is the safety net).
 */
export const mailFlushJob = defineJob({
  name: 'mail.flush',
  schema: z.object({}),
  cron: { expression: '* * * * *' },
  retry: { limit: 1, delaySeconds: 30, backoff: false },
  handler: async (_payload, { mailer, log }) => {
    const handled = await mailer.flush();
    if (handled) log.info('queued mail flushed', { handled });
  },
});
