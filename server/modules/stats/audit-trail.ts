import { sql, type SQL } from 'drizzle-orm';
import { authorize, type Actor } from '../../auth/permissions.ts';
import type { Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import type { AuditPageDto, AuditQuery } from './dto.ts';

// The audit trail reads `audit_events` (written by every module through `recordAudit`), newest
// first, a page at a time by keyset on (created_at, id): a page deep in a long history costs what
// the first does, and rows recorded meanwhile never shift a page. The cursor carries the instant
// as PostgreSQL text (microseconds), which a JavaScript Date would round.

type Cursor = { at: string; id: string };

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'string' && typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) && !Number.isNaN(Date.parse(at))) return { at, id };
  } catch {
    /* falls through to the refusal */
  }
  throw new AppError('validation_failed', 'That page cursor is not one this list gave out.');
}

type AuditRow = {
  id: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_label: string;
  action: string;
  subject_type: string;
  subject_id: string;
  details: Record<string, unknown>;
  created_at: string | Date;
  cursor_at: string;
};

/**
 * A page of the audit trail, newest first, filtered by actor, action, subject and time.
 * @example const next = await auditTrail(db, { actor, action: 'training_assigned', cursor: page.nextCursor, limit: 50 });
 */
export async function auditTrail(db: Executor, input: { actor: Actor } & AuditQuery): Promise<AuditPageDto> {
  authorize(input.actor, 'audit.view');
  const where: SQL[] = [];
  if (input.actorId) where.push(sql`a.actor_id = ${input.actorId}`);
  if (input.action) where.push(sql`a.action = ${input.action}`);
  if (input.subjectType) where.push(sql`a.subject_type = ${input.subjectType}`);
  if (input.subjectId) where.push(sql`a.subject_id = ${input.subjectId}`);
  if (input.from) where.push(sql`a.created_at >= ${input.from}::timestamptz`);
  if (input.to) where.push(sql`a.created_at < ${input.to}::timestamptz`);
  if (input.cursor) {
    const cursor = decodeCursor(input.cursor);
    where.push(sql`(a.created_at, a.id) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`);
  }
  const filter = where.length ? sql.join(where, sql` and `) : sql`true`;
  const [rows, kinds] = await Promise.all([
    db.execute<AuditRow>(sql`
      select a.id, a.actor_id, u.name as actor_name, a.actor_label, a.action, a.subject_type, a.subject_id, a.details, a.created_at,
        to_char(a.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at
      from audit_events a left join users u on u.id = a.actor_id
      where ${filter}
      order by a.created_at desc, a.id desc
      limit ${input.limit + 1}`),
    // The filter choices; only for the first page, which is where filters are picked.
    input.cursor
      ? Promise.resolve([])
      : db.execute<{ kind: 'action' | 'subject'; value: string }>(sql`
          select distinct 'action' as kind, action as value from audit_events
          union select distinct 'subject', subject_type from audit_events order by 1, 2`),
  ]);
  const list = Array.from(rows);
  const more = list.length > input.limit;
  const page = more ? list.slice(0, input.limit) : list;
  const last = page[page.length - 1];
  return {
    events: page.map((row) => ({
      id: row.id,
      actorId: row.actor_id,
      actorName: row.actor_name,
      actorLabel: row.actor_label,
      action: row.action,
      subjectType: row.subject_type,
      subjectId: row.subject_id,
      details: row.details ?? {},
      createdAt: new Date(row.created_at).toISOString(),
    })),
    nextCursor: more && last ? encodeCursor({ at: last.cursor_at, id: last.id }) : null,
    actions: Array.from(kinds).filter((k) => k.kind === 'action').map((k) => k.value),
    subjectTypes: Array.from(kinds).filter((k) => k.kind === 'subject').map((k) => k.value),
  };
}
