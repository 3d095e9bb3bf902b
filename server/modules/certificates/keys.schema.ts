import { sql } from 'drizzle-orm';
import { jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The organisation's signing keys for verifiable credentials (Ed25519, JWK). Retired keys stay
 * so credentials signed with them still verify; at most one key per purpose is active, which
 * the partial unique index guarantees even when two nodes create the first key at once.
 */
export const signingKeys = pgTable(
  'signing_keys',
  {
    kid: text('kid').primaryKey(),
    purpose: text('purpose').notNull().default('credentials'),
    algorithm: text('algorithm').notNull().default('EdDSA'),
    publicJwk: jsonb('public_jwk').notNull(),
    privateJwk: jsonb('private_jwk').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('signing_keys_one_active_idx').on(t.purpose).where(sql`${t.retiredAt} is null`)],
);
