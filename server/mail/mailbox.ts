import { count, desc, eq, ilike } from 'drizzle-orm';
import { authorize, type Actor } from '../auth/permissions.ts';
import type { Executor } from '../db/client.ts';
import { AppError } from '../errors.ts';
import type { MailboxDto, MailMessageDto } from './dto.ts';
import { toMailSummary } from './mailer.ts';
import { mailMessages } from './schema.ts';

/** The mail log staff read at /mailbox: every message, sent over SMTP or kept in the outbox. */
export async function listMail(
  db: Executor,
  input: { actor: Actor; to?: string; limit: number; offset: number; transport: 'smtp' | 'outbox' },
): Promise<MailboxDto> {
  authorize(input.actor, 'mailbox.read');
  const where = input.to ? ilike(mailMessages.to, `%${input.to.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`) : undefined;
  const [{ total }] = await db.select({ total: count() }).from(mailMessages).where(where);
  const rows = await db.select().from(mailMessages).where(where).orderBy(desc(mailMessages.createdAt), desc(mailMessages.id)).limit(input.limit).offset(input.offset);
  return { messages: rows.map(toMailSummary), total, transport: input.transport };
}

export async function readMail(db: Executor, input: { actor: Actor; messageId: string }): Promise<MailMessageDto> {
  authorize(input.actor, 'mailbox.read');
  const [row] = await db.select().from(mailMessages).where(eq(mailMessages.id, input.messageId));
  if (!row) throw new AppError('not_found', 'No such message.');
  return { ...toMailSummary(row), text: row.text, html: row.html };
}
