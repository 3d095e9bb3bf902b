import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { organisationDay } from './queries.ts';

/**
 * Certificates held now (not revoked, not replaced, not past their expiry day in the
 * organisation's timezone) and revoked ones, for the statistics page: one statement.
 */
export async function certificateTotals(db: Executor, now: Date): Promise<{ validCertificates: number; revokedCertificates: number }> {
  const today = await organisationDay(db, now);
  const [row] = await db.execute<{ valid: number; revoked: number }>(sql`
    select count(*) filter (where revoked_at is null and replaced_by_id is null and (expires_on is null or expires_on >= ${today}::date))::int as valid,
      count(*) filter (where revoked_at is not null)::int as revoked
    from certificates`);
  return { validCertificates: row.valid, revokedCertificates: row.revoked };
}
