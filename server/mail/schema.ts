import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const mailStatusEnum = pgEnum('mail_status', ['queued', 'pending', 'sent', 'stored', 'failed']);

/**
 * Every message the platform sends. `queued` rows were recorded inside the transaction that made
 * them necessary and wait for `flush`. With SMTP configured a row ends `sent` (or `failed`);
 * without it the row is the message (`stored`) and staff read it at /mailbox.
 * `dedupe_key` makes a retried job's second send a no-op.
 */
export const mailMessages = pgTable(
  'mail_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    dedupeKey: text('dedupe_key'),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html'),
    attachments: jsonb('attachments').$type<{ filename: string; contentType: string; size: number }[]>().notNull().default([]),
    status: mailStatusEnum('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    error: text('error'),
    messageId: text('message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** Set for messages queued in a transaction (the outbox): `flush` sends them, and retries them when they fail. */
    queuedAt: timestamp('queued_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('mail_messages_dedupe_key').on(t.dedupeKey), index('mail_messages_created_idx').on(t.createdAt)],
);
