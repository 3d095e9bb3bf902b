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
  /**
   * Sends what `queueMail` recorded (and retries queued messages that failed, up to
   * MAX_QUEUED_ATTEMPTS), in batches; several nodes may flush at once, each message goes once.
   * Returns how many messages it handled.
   */
  flush(options?: { batchSize?: number }): Promise<number>;
  verify(): Promise<boolean>;
  close(): void;
}

/** A pending row older than this is taken to belong to a crashed sender and may be sent again. */
const STALE_PENDING_MS = 10 * 60 * 1000;
/** Queued messages that keep failing are given up after this many tries (they stay `failed` in the log). */
export const MAX_QUEUED_ATTEMPTS = 8;

/**
 * The outbox: records plain-text messages inside the caller's transaction, so they exist exactly
 * when the change that makes them necessary commits; `mailer.flush()` sends them afterwards (and
 * the `mail.flush` job every minute catches what a crash left behind). A dedupe key already in
 * the log is skipped. Attachments are not queued: send those through a job with `mailer.send`.
 * @example await queueMail(tx, reminders.map((r) => ({ to: r.email, subject, text, dedupeKey: `training-reminder:${r.id}` })));
 */
export async function queueMail(tx: Executor, mails: readonly Omit<OutgoingMail, 'attachments' | 'icalEvent'>[], now = new Date()): Promise<number> {
  let queued = 0;
  for (let start = 0; start < mails.length; start += 1000) {
    const rows = await tx
      .insert(mailMessages)
      .values(mails.slice(start, start + 1000).map((mail) => ({ dedupeKey: mail.dedupeKey ?? null, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html ?? null, status: 'queued' as const, queuedAt: now })))
      .onConflictDoNothing({ target: mailMessages.dedupeKey })
      .returning({ id: mailMessages.id });
    queued += rows.length;
  }
  return queued;
}

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

  /** Sends one claimed message (or keeps it, without SMTP) and records the result. */
  async function deliver(id: string, mail: OutgoingMail): Promise<{ row: typeof mailMessages.$inferSelect; error?: unknown }> {
    if (!transporter) {
      const [stored] = await db.update(mailMessages).set({ status: 'stored' }).where(eq(mailMessages.id, id)).returning();
      notify(stored);
      return { row: stored };
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
        headers: { 'X-Message-Record': id },
      });
      const [sent] = await db.update(mailMessages).set({ status: 'sent', sentAt: new Date(), messageId: info.messageId ?? null }).where(eq(mailMessages.id, id)).returning();
      notify(sent);
      return { row: sent };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const [failed] = await db.update(mailMessages).set({ status: 'failed', error: reason.slice(0, 500) }).where(eq(mailMessages.id, id)).returning();
      notify(failed);
      return { row: failed, error };
    }
  }

  return {
    transport: transporter ? 'smtp' : 'outbox',

    async send(mail) {
      const { row, isNew, mustSend } = await claim(mail);
      if (!mustSend) return { message: toMailSummary(row), isNew };
      const delivered = await deliver(row.id, mail);
      // Rethrown so a job sending it fails and is retried by pg-boss; the dedupe key lets the retry resend.
      if (delivered.error) throw delivered.error;
      return { message: toMailSummary(delivered.row), isNew };
    },

    async flush({ batchSize = 100 } = {}) {
      // Each message is tried at most once per flush: one that fails now waits for the next flush.
      const tried: string[] = [];
      while (true) {
        // Claimed by moving them to `pending` in one statement; SKIP LOCKED lets other nodes take other rows.
        const batch = await db.execute<{ id: string; to: string; subject: string; text: string; html: string | null }>(sql`
          update ${mailMessages} m set status = 'pending', attempts = m.attempts + 1, error = null
          where m.id in (
            select id from ${mailMessages}
            where queued_at is not null and (status = 'queued' or (status = 'failed' and attempts < ${MAX_QUEUED_ATTEMPTS}))
              and id <> all(${sql.param(tried)}::uuid[])
            order by created_at
            limit ${batchSize}
            for update skip locked)
          returning m.id, m."to", m.subject, m.text, m.html`);
        const rows = Array.from(batch);
        if (!rows.length) return tried.length;
        for (const row of rows) {
          tried.push(row.id);
          await deliver(row.id, { to: row.to, subject: row.subject, text: row.text, html: row.html ?? undefined });
        }
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
