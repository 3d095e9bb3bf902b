import { and, eq, lt, or, sql } from 'drizzle-orm';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Executor } from '../db/client.ts';
import type { MailSummaryDto } from './dto.ts';
import { mailMessages } from './schema.ts';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: { filename: string; content: Buffer | string; contentType: string }[];
  /** A calendar invitation sent as text/calendar alongside the body. */
  icalEvent?: { filename?: string; method: 'REQUEST' | 'CANCEL' | 'PUBLISH'; content: string };
  /** Sending twice with the same key sends once: job retries pass a key naming the fact being told. */
  dedupeKey?: string;
}

export interface SendResult {
  message: MailSummaryDto;
  /** False when a message with the same dedupe key was already recorded. */
  isNew: boolean;
}

export interface Mailer {
  readonly transport: 'smtp' | 'outbox';
  send(mail: OutgoingMail): Promise<SendResult>;
  verify(): Promise<boolean>;
  close(): void;
}

/** A pending row older than this is taken to belong to a crashed sender and may be sent again. */
const STALE_PENDING_MS = 10 * 60 * 1000;

export function toMailSummary(row: typeof mailMessages.$inferSelect): MailSummaryDto {
  return {
    id: row.id,
    to: row.to,
    subject: row.subject,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
    error: row.error,
    attachments: row.attachments,
  };
}

/**
 * Records every message; sends it over SMTP when `smtpUrl` is set, otherwise keeps it in the
 * outbox (status `stored`) for the /mailbox page. `onRecorded` hears every new or changed record.
 */
export function createMailer(options: {
  db: Executor;
  smtpUrl?: string;
  from: string;
  onRecorded?: (message: MailSummaryDto) => void;
}): Mailer {
  const { db, from } = options;
  const transporter: Transporter | undefined = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : undefined;
  const notify = (row: typeof mailMessages.$inferSelect) => options.onRecorded?.(toMailSummary(row));

  async function claim(mail: OutgoingMail): Promise<{ row: typeof mailMessages.$inferSelect; isNew: boolean; mustSend: boolean }> {
    const attachments = [
      ...(mail.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, size: Buffer.byteLength(a.content) })),
      ...(mail.icalEvent ? [{ filename: mail.icalEvent.filename ?? 'invite.ics', contentType: 'text/calendar', size: Buffer.byteLength(mail.icalEvent.content) }] : []),
    ];
    const [inserted] = await db
      .insert(mailMessages)
      .values({ dedupeKey: mail.dedupeKey ?? null, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html ?? null, attachments, attempts: 1 })
      .onConflictDoNothing({ target: mailMessages.dedupeKey })
      .returning();
    if (inserted) return { row: inserted, isNew: true, mustSend: true };
    // Same dedupe key seen before: send again only if the earlier attempt failed or its sender died.
    const [reclaimed] = await db
      .update(mailMessages)
      .set({ status: 'pending', attempts: sql`${mailMessages.attempts} + 1`, error: null })
      .where(
        and(
          eq(mailMessages.dedupeKey, mail.dedupeKey!),
          or(eq(mailMessages.status, 'failed'), and(eq(mailMessages.status, 'pending'), lt(mailMessages.createdAt, new Date(Date.now() - STALE_PENDING_MS)))),
        ),
      )
      .returning();
    if (reclaimed) return { row: reclaimed, isNew: false, mustSend: true };
    const [existing] = await db.select().from(mailMessages).where(eq(mailMessages.dedupeKey, mail.dedupeKey!));
    return { row: existing, isNew: false, mustSend: false };
  }

  return {
    transport: transporter ? 'smtp' : 'outbox',

    async send(mail) {
      const { row, isNew, mustSend } = await claim(mail);
      if (!mustSend) return { message: toMailSummary(row), isNew };
      if (!transporter) {
        const [stored] = await db.update(mailMessages).set({ status: 'stored' }).where(eq(mailMessages.id, row.id)).returning();
        notify(stored);
        return { message: toMailSummary(stored), isNew };
      }
      try {
        const info = await transporter.sendMail({
          from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          attachments: mail.attachments,
          icalEvent: mail.icalEvent,
          headers: { 'X-Message-Record': row.id },
        });
        const [sent] = await db
          .update(mailMessages)
          .set({ status: 'sent', sentAt: new Date(), messageId: info.messageId ?? null })
          .where(eq(mailMessages.id, row.id))
          .returning();
        notify(sent);
        return { message: toMailSummary(sent), isNew };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const [failed] = await db.update(mailMessages).set({ status: 'failed', error: reason.slice(0, 500) }).where(eq(mailMessages.id, row.id)).returning();
        notify(failed);
        // Rethrown so a job sending it fails and is retried by pg-boss; the dedupe key lets the retry resend.
        throw error;
      }
    },

    async verify() {
      if (!transporter) return true;
      try {
        return await transporter.verify();
      } catch {
        return false;
      }
    },

    close() {
      transporter?.close();
    },
  };
}
