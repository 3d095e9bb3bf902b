import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { authorize, type Actor } from '../../auth/permissions.ts';
import { hashPassword } from '../../auth/password.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError, pgConstraint, pgErrorCode, pgErrors } from '../../errors.ts';
import type { DomainEvent } from '../../realtime/events.ts';
import { outcome, type Outcome } from '../../realtime/relay.ts';
import { enrolMany } from '../enrollment/enrol.ts';
import { recordAudit } from '../system/audit.ts';
import { readSetting } from '../system/settings.ts';
import { loadUser } from '../users/queries.ts';
import type { OnboardingInput, OnboardingResultDto } from './dto.ts';
import { assignmentEvents, insertAssignments } from './assignments.ts';
import { organisationToday, userAssignments } from './queries.ts';

export interface EmployeeFields {
  email: string;
  name: string;
  employeeCode?: string;
  department?: string;
  designation?: string;
}

/**
 * Creates the employee (student role, a random password nobody knows: they sign in after an
 * invite or a password reset) or updates the HR fields of the existing account with that email,
 * changing nothing when they are already so. The unique email index decides, never a prior read.
 */
export async function upsertEmployee(
  tx: Executor,
  input: { actor: Actor; employee: EmployeeFields; source: string; passwordHash?: () => Promise<string> },
): Promise<{ userId: string; outcome: 'created' | 'updated' | 'unchanged' }> {
  const e = input.employee;
  let [existing] = await tx.execute<{ id: string }>(sql`select id from users where email = ${e.email}`);
  let created = false;
  try {
    if (!existing) {
      const passwordHash = await (input.passwordHash ?? unusablePasswordHash)();
      [existing] = await tx.execute<{ id: string }>(sql`
        insert into users (email, name, password_hash, department, designation, employee_code)
        values (${e.email}, ${e.name}, ${passwordHash}, ${e.department ?? null}, ${e.designation ?? null}, ${e.employeeCode ?? null})
        on conflict (email) do nothing returning id`);
      created = Boolean(existing);
      [existing] = existing ? [existing] : await tx.execute<{ id: string }>(sql`select id from users where email = ${e.email}`);
    }
    if (!created) {
      // Only the fields given; the row (and its updated_at) is left alone when nothing differs.
      const changed = await tx.execute(sql`
        update users set
          department = coalesce(${e.department ?? null}, department),
          designation = coalesce(${e.designation ?? null}, designation),
          employee_code = coalesce(${e.employeeCode ?? null}, employee_code),
          updated_at = now()
        where id = ${existing.id}
          and (department, designation, employee_code) is distinct from
              (coalesce(${e.department ?? null}, department), coalesce(${e.designation ?? null}, designation), coalesce(${e.employeeCode ?? null}, employee_code))
        returning id`);
      await tx.execute(sql`insert into user_roles (user_id, role) values (${existing.id}, 'student') on conflict do nothing`);
      return { userId: existing.id, outcome: changed.length ? 'updated' : 'unchanged' };
    }
  } catch (error) {
    if (pgErrorCode(error) === pgErrors.uniqueViolation && pgConstraint(error) === 'users_employee_code_key') {
      throw new AppError('conflict', `Employee code ${e.employeeCode} belongs to another user.`);
    }
    throw error;
  }
  await tx.execute(sql`insert into user_roles (user_id, role) values (${existing.id}, 'student') on conflict do nothing`);
  await recordAudit(tx, { actor: input.actor, action: 'employee_created', subjectType: 'user', subjectId: existing.id, details: { email: e.email, source: input.source, signIn: 'invite or password reset' } });
  return { userId: existing.id, outcome: 'created' };
}

/** The hash of a random secret that is thrown away: nobody can sign in with it. */
export function unusablePasswordHash(): Promise<string> {
  return hashPassword(randomBytes(24).toString('base64url'));
}

/** `today` plus `days`, as YYYY-MM-DD. */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/**
 * The onboarding hook an HR system calls (API key, scope `onboarding`): creates or links the
 * employee with the student role, enrols them in every published mandatory course and assigns
 * each, due in `onboardingDueDays` (a setting). Calling it again changes nothing: enrollments are
 * left as they are, and a course the employee ever had an assignment for gets no new one.
 */
export async function onboardEmployee(db: Database, input: { actor: Actor; now: Date } & OnboardingInput): Promise<Outcome<OnboardingResultDto>> {
  const actor = authorize(input.actor, 'training.onboard');
  return db.transaction(async (tx) => {
    const employee = await upsertEmployee(tx, { actor, employee: input, source: 'onboarding' });
    const courses = await tx.execute<{ id: string }>(sql`select id from courses where status = 'published' and is_mandatory order by title, id`);
    const { today } = await organisationToday(tx, input.now);
    const dueOn = addDays(today, await readSetting(tx, 'onboardingDueDays'));
    const events: DomainEvent[] = [];
    const created: string[] = [];
    for (const course of courses) {
      const enrolled = await enrolMany(tx, { actor, userIds: [employee.userId], courseId: course.id, source: 'onboarding', now: input.now });
      events.push(...enrolled.events);
      created.push(...(await insertAssignments(tx, { actor, courseId: course.id, userIds: [employee.userId], dueOn, source: 'onboarding', now: input.now, onlyFirst: true })));
    }
    events.push(...(await assignmentEvents(tx, created)));
    const mandatory = new Set(Array.from(courses, (course) => course.id));
    const assignments = (await userAssignments(tx, employee.userId)).filter((a) => mandatory.has(a.courseId));
    const user = await loadUser(tx, employee.userId);
    if (!user) throw new AppError('not_found', 'No such user.');
    return outcome({ user, created: employee.outcome === 'created', assignments }, events);
  });
}

