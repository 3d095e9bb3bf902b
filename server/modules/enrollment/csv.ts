import { sql } from 'drizzle-orm';
import { authorize, type Actor } from '../../auth/permissions.ts';
import type { Database } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { recordAudit } from '../system/audit.ts';
import { emailSchema } from '../users/dto.ts';
import { users } from '../users/schema.ts';
import type { ImportOutcome, ImportResultDto } from './dto.ts';
import { enrolMany } from './enrol.ts';
import { requireEnrollableCourse } from './enrollments.ts';

export const MAX_IMPORT_ROWS = 10_000;

/**
 * Parses CSV text (RFC 4180: quoted fields, `""` escapes, newlines inside quotes, CRLF or LF).
 * The delimiter is the first of `,` `;` or tab found in the header line, as spreadsheets in
 * several locales export. Blank lines are kept as empty records so row numbers stay right.
 * @example parseCsv('email\na@b.test') // [['email'], ['a@b.test']]
 */
export function parseCsv(text: string): string[][] {
  const source = text.replace(/^\uFEFF/, '');
  const headerLine = source.slice(0, source.search(/\r?\n|$/));
  const delimiter = [',', ';', '\t'].find((d) => headerLine.includes(d)) ?? ',';
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === delimiter) {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && source[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/**
 * Staff enrol the people a CSV lists (a header row with an `email` column; other columns are
 * ignored). Every data row gets its own result; a bad row never fails the import.
 */
export async function importEnrollments(db: Database, input: { actor: Actor; courseId: string; csv: string; now: Date }): Promise<Outcome<ImportResultDto>> {
  authorize(input.actor, 'enrollments.manage');
  const [header, ...rows] = parseCsv(input.csv);
  const emailColumn = (header ?? []).findIndex((name) => name.trim().toLowerCase() === 'email');
  if (emailColumn < 0) throw new AppError('validation_failed', 'The first row must be a header with an "email" column.');
  if (rows.length > MAX_IMPORT_ROWS) throw new AppError('validation_failed', `Import at most ${MAX_IMPORT_ROWS} rows at a time.`);

  type Row = ImportResultDto['results'][number];
  const results: Row[] = [];
  const firstRowOf = new Map<string, number>();
  rows.forEach((cells, index) => {
    const row = index + 2; // the header is row 1
    if (cells.every((cell) => cell.trim() === '')) return; // blank line
    const raw = (cells[emailColumn] ?? '').trim();
    const parsed = emailSchema.safeParse(raw);
    if (!parsed.success) {
      results.push({ row, email: raw, outcome: 'invalid_email', message: raw ? 'Not an email address.' : 'The email cell is empty.' });
      return;
    }
    const first = firstRowOf.get(parsed.data);
    if (first !== undefined) {
      results.push({ row, email: parsed.data, outcome: 'duplicate', message: `Same person as row ${first}.` });
      return;
    }
    firstRowOf.set(parsed.data, row);
    results.push({ row, email: parsed.data, outcome: 'unknown_user' });
  });

  return db.transaction(async (tx) => {
    const course = await requireEnrollableCourse(tx, input.courseId);
    const emails = [...firstRowOf.keys()];
    const found = emails.length
      ? await tx.select({ id: users.id, email: users.email }).from(users).where(sql`${users.email} = any(${sql.param(emails)}::text[])`)
      : [];
    const userByEmail = new Map(found.map((user) => [user.email, user.id]));
    const enrolled = await enrolMany(tx, { actor: input.actor, userIds: found.map((user) => user.id), courseId: course.id, source: 'staff', now: input.now });
    const outcomeByUser = new Map(enrolled.results.map((r) => [r.userId, r.outcome]));
    for (const result of results) {
      if (result.outcome !== 'unknown_user') continue;
      const userId = userByEmail.get(result.email);
      if (userId) result.outcome = outcomeByUser.get(userId) ?? 'unknown_user';
      else result.message = 'No account has this email address.';
    }
    const counts: Record<ImportOutcome, number> = { enrolled: 0, already_enrolled: 0, reactivated: 0, unknown_user: 0, invalid_email: 0, duplicate: 0 };
    for (const result of results) counts[result.outcome]++;
    await recordAudit(tx, { actor: input.actor, action: 'enrollments_imported', subjectType: 'course', subjectId: course.id, details: { counts } });
    return outcome({ results, counts }, enrolled.events);
  });
}
