import { eq, inArray } from 'drizzle-orm';
import { hashPassword } from '../auth/password.ts';
import type { Role } from '../auth/roles.ts';
import type { Database } from '../db/client.ts';
import { userRoles, users } from '../modules/users/schema.ts';
import { settings } from '../modules/system/schema.ts';
import { seedDemoCertificates } from './certificates.ts';
import { seedDemoLearning } from './learning.ts';

/** The demo organisation's people. Every account's password is `demoAccounts.password`. */
export const demoAccounts = {
  password: 'demo-password',
  staff: [
    { label: 'System manager', email: 'admin@demo.test', name: 'Sam Okafor', roles: ['system_manager'] as Role[], timezone: 'Europe/London' },
    { label: 'Moderator', email: 'moderator@demo.test', name: 'Mona Lindqvist', roles: ['moderator'] as Role[], timezone: 'Europe/Stockholm' },
    { label: 'Course creator', email: 'creator@demo.test', name: 'Carlos Mendes', roles: ['course_creator'] as Role[], timezone: 'America/Sao_Paulo' },
    { label: 'Batch evaluator', email: 'evaluator@demo.test', name: 'Eva Brandt', roles: ['batch_evaluator'] as Role[], timezone: 'Europe/Berlin' },
    { label: 'Student', email: 'student@demo.test', name: 'Priya Raman', roles: ['student'] as Role[], timezone: 'Asia/Kolkata' },
  ],
  learners: [
    ['Aiko Tanaka', 'Asia/Tokyo'],
    ['Ben Carter', 'America/New_York'],
    ['Chloé Dubois', 'Europe/Paris'],
    ['Diego Alvarez', 'America/Mexico_City'],
    ['Elif Yılmaz', 'Europe/Istanbul'],
    ['Femi Adeyemi', 'Africa/Lagos'],
    ['Grace Liu', 'Asia/Shanghai'],
    ['Hannah Müller', 'Europe/Berlin'],
    ['Ivan Petrov', 'Europe/Sofia'],
    ['Jonas Nilsson', 'Europe/Stockholm'],
    ['Kavya Iyer', 'Asia/Kolkata'],
    ['Liam O’Connor', 'Europe/Dublin'],
  ] as const,
};

function learnerEmail(name: string): string {
  const first = name.split(' ')[0].normalize('NFD').replace(/[^a-zA-Z]/g, '').toLowerCase();
  return `${first}@demo.test`;
}

/**
 * Creates the demo organisation once. Safe to call on every start: it records that it ran and
 * inserts nothing twice (accounts are matched by email).
 */
export async function seedDemoData(db: Database): Promise<boolean> {
  const people = await seedDemoPeople(db);
  const learning = await seedDemoLearning(db, ['student@demo.test', ...demoAccounts.learners.slice(0, 8).map(([name]) => learnerEmail(name))]);
  const certificates = await seedDemoCertificates(db);
  return people || learning || certificates;
}

async function seedDemoPeople(db: Database): Promise<boolean> {
  const [done] = await db.select().from(settings).where(eq(settings.key, 'demoSeededAt'));
  if (done) return false;
  const passwordHash = await hashPassword(demoAccounts.password);
  const people = [
    ...demoAccounts.staff.map((p) => ({ email: p.email, name: p.name, roles: p.roles, timezone: p.timezone })),
    ...demoAccounts.learners.map(([name, timezone]) => ({ email: learnerEmail(name), name, roles: ['student'] as Role[], timezone })),
  ];
  return db.transaction(async (tx) => {
    const [claimed] = await tx.insert(settings).values({ key: 'demoSeededAt', value: new Date().toISOString() }).onConflictDoNothing().returning();
    if (!claimed) return false; // another node seeded at the same moment
    await tx
      .insert(users)
      .values(people.map((p) => ({ email: p.email, name: p.name, timezone: p.timezone, passwordHash })))
      .onConflictDoNothing({ target: users.email });
    const rows = await tx.select({ id: users.id, email: users.email }).from(users).where(inArray(users.email, people.map((p) => p.email)));
    const idByEmail = new Map(rows.map((r) => [r.email, r.id]));
    await tx
      .insert(userRoles)
      .values(people.flatMap((p) => p.roles.map((role) => ({ userId: idByEmail.get(p.email)!, role }))))
      .onConflictDoNothing();
    return true;
  });
}
