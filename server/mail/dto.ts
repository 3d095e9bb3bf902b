import { z } from 'zod';

export const mailSummarySchema = z
  .object({
    id: z.uuid(),
    to: z.string(),
    subject: z.string(),
    status: z.enum(['queued', 'pending', 'sent', 'stored', 'failed']),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
    error: z.string().nullable(),
    attachments: z.array(z.object({ filename: z.string(), contentType: z.string(), size: z.number() })),
  })
  .meta({ id: 'MailSummary' });
export type MailSummaryDto = z.infer<typeof mailSummarySchema>;

export const mailMessageSchema = mailSummarySchema.extend({ text: z.string(), html: z.string().nullable() }).meta({ id: 'MailMessage' });
export type MailMessageDto = z.infer<typeof mailMessageSchema>;

export const mailboxQuery = z.object({
  to: z.string().trim().max(254).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export const mailboxSchema = z.object({ messages: z.array(mailSummarySchema), total: z.number().int(), transport: z.enum(['smtp', 'outbox']) }).meta({ id: 'Mailbox' });
export type MailboxDto = z.infer<typeof mailboxSchema>;
