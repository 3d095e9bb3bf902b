import { authorize, type Actor } from '../../auth/permissions.ts';
import type { Database } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { MAX_IMPORT_ROWS, parseCsv } from '../enrollment/csv.ts';
import { emailSchema } from '../users/dto.ts';
import type { EmployeeImportResultDto } from './dto.ts';
import { unusablePasswordHash, upsertEmployee } from './onboarding.ts';

const COLUMNS = { email: ['email', 'e-mail'], name: ['name', 'full name', 'full_name'], department: ['department'], designation: ['designation', 'title', 'job title'], employeeCode: ['employee code', 'employee_code', 'employeecode', 'code'] } as const;

/**
 * Imports employees from CSV (header row; columns email, name, department, designation,
 * employee code in any order): creates each unknown email as a student, updates the HR fields
 * of known ones, and answers per row. Invalid rows are reported and skipped; each row is its
 * own savepoint so one bad row never undoes the others.
 */
export async function importEmployees(db: Database, input: { actor: Actor; csv: string }): Promise<EmployeeImportResultDto> {
  const actor = authorize(input.actor, 'employees.import');
  const [header = [], ...records] = parseCsv(input.csv);
  const names = header.map((cell) => cell.trim().toLowerCase());
  const column = (key: keyof typeof COLUMNS) => names.findIndex((name) => (COLUMNS[key] as readonly string[]).includes(name));
  const at = { email: column('email'), name: column('name'), department: column('department'), designation: column('designation'), employeeCode: column('employeeCode') };
  if (at.email < 0) throw new AppError('validation_failed', 'The CSV needs an "email" column.');
  if (records.length > MAX_IMPORT_ROWS) throw new AppError('validation_failed', `At most ${MAX_IMPORT_ROWS} rows per import.`);
  const result: EmployeeImportResultDto = { rows: [], counts: { created: 0, updated: 0, unchanged: 0, invalid: 0 } };
  const cell = (record: string[], index: number) => (index >= 0 ? record[index]?.trim() || undefined : undefined);
  // One unusable hash for the whole import: argon2 per row would make 10,000 rows take minutes.
  let hash: Promise<string> | undefined;
  const passwordHash = () => (hash ??= unusablePasswordHash());
  await db.transaction(async (tx) => {
    for (const [index, record] of records.entries()) {
      if (record.every((value) => !value.trim())) continue;
      const row = index + 2;
      const rawEmail = cell(record, at.email) ?? '';
      const email = emailSchema.safeParse(rawEmail);
      if (!email.success) {
        result.rows.push({ row, email: rawEmail, outcome: 'invalid', userId: null, error: 'Not an email address.' });
        result.counts.invalid++;
        continue;
      }
      const employee = { email: email.data, name: cell(record, at.name) ?? email.data.split('@')[0], department: cell(record, at.department), designation: cell(record, at.designation), employeeCode: cell(record, at.employeeCode) };
      try {
        const done = await tx.transaction((savepoint) => upsertEmployee(savepoint, { actor, employee, source: 'csv', passwordHash }));
        result.rows.push({ row, email: email.data, outcome: done.outcome, userId: done.userId, error: null });
        result.counts[done.outcome]++;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        result.rows.push({ row, email: email.data, outcome: 'invalid', userId: null, error: error.message });
        result.counts.invalid++;
      }
    }
  });
  return result;
}
