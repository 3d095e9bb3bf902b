import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, inject } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../../server/db/client.ts';
import { withDatabase } from './global-setup.ts';

/**
 * This test file's own database, cloned from the migrated template before its tests and dropped
 * after. Returns a getter, since the clone exists only once `beforeAll` ran.
 */
export function useTestDatabase(): () => DatabaseHandle {
  let handle: DatabaseHandle | undefined;
  let name: string | undefined;
  const adminUrl = inject('adminUrl');
  beforeAll(async () => {
    name = `${inject('runId')}_${randomBytes(4).toString('hex')}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database "${name}" template "${inject('templateDatabase')}"`);
    } finally {
      await admin.end();
    }
    handle = connectDatabase(withDatabase(adminUrl, name), { max: 10 });
  });
  afterAll(async () => {
    await handle?.close();
    if (!name) return;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
    } finally {
      await admin.end();
    }
  });
  return () => {
    if (!handle) throw new Error('The test database exists only inside tests and hooks.');
    return handle;
  };
}
