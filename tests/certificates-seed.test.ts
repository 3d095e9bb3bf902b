import { describe, expect, it } from 'vitest';
import { seedDemoData } from '../server/seed/demo.ts';
import { useTestDatabase } from './support/database.ts';

describe('demo certificates', () => {
  const database = useTestDatabase();

  it('seeds a valid certificate for the student and a revoked one, once', async () => {
    const { db, sql } = database();
    expect(await seedDemoData(db)).toBe(true);
    const rows = await sql`
      select u.email, c.title, ct.source, ct.revoked_at is not null as revoked, ct.revoked_reason, ct.expires_on - ct.issued_on as valid_days
      from certificates ct join users u on u.id = ct.member_id join courses c on c.id = ct.course_id order by u.email`;
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.email === 'student@demo.test')).toMatchObject({ title: 'Workplace Fire Safety', revoked: false, valid_days: 365 });
    expect(rows.find((r) => r.email !== 'student@demo.test')).toMatchObject({ revoked: true });
    const audits = await sql`select action from audit_events where subject_type = 'certificate' order by created_at`;
    expect(audits.map((a) => a.action).sort()).toEqual(['certificate_issued', 'certificate_issued', 'certificate_revoked']);
    expect(await seedDemoData(db)).toBe(false);
    expect(await sql`select id from certificates`).toHaveLength(2);
  });
});
