import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.ts';

export type Database = PostgresJsDatabase<typeof schema>;
/** A transaction handle; services accept `Database | Transaction` as `tx` to join a caller's transaction. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
export type Executor = Database | Transaction;

export interface DatabaseHandle {
  db: Database;
  sql: postgres.Sql;
  url: string;
  close(): Promise<void>;
}

export function connectDatabase(url: string, options: { max?: number } = {}): DatabaseHandle {
  const sql = postgres(url, {
    max: options.max ?? 20,
    onnotice: () => {},
    // Keep instants as timestamptz strings parsed to Date by drizzle; no implicit local-time conversion.
    connection: { application_name: 'learning-platform', TimeZone: 'UTC' },
  });
  const db = drizzle(sql, { schema, casing: 'snake_case' });
  return { db, sql, url, close: () => sql.end({ timeout: 5 }) };
}
