import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createUser, signIn } from './support/factories.ts';
import { HttpClient } from './support/http.ts';
import { spawnServer } from './support/server-process.ts';
import { connectSocket } from './support/socket.ts';
import { useTestDatabase } from './support/database.ts';

describe('start and graceful shutdown', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'learning-start-'));
  chmodSync(dataDir, 0o755); // as root, the postgres system user must reach it
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const database = useTestDatabase();

  it('starts on its own embedded Postgres, seeds once, and stops cleanly on SIGTERM; a second start reuses the data', async () => {
    const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
    const first = await spawnServer(env, ['--seed']);
    expect(first.output()).toContain('Initialised a new embedded PostgreSQL');
    expect(first.output()).toContain('admin@demo.test');
    const admin = await signIn(new HttpClient(first.url), { email: 'admin@demo.test', password: 'demo-password' });
    const users = await admin.get('/api/users?limit=1');
    const seededCount = users.body.total;
    expect(seededCount).toBeGreaterThanOrEqual(17);
    const { socket } = await connectSocket(first.url, admin.cookie);
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));

    expect(await first.stop('SIGTERM')).toBe(0);
    // A transport close, not a kick: browsers reconnect by themselves (to another node, in a cluster).
    expect(await closed).toBe('transport close');
    expect(first.output()).toContain('stopped');
    expect(first.output()).not.toMatch(/unhandled|uncaught|ECONNRESET|57P01/i);
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    const second = await spawnServer(env, ['--seed']);
    expect(second.output()).not.toContain('Initialised a new embedded PostgreSQL');
    const again = await signIn(new HttpClient(second.url), { email: 'admin@demo.test', password: 'demo-password' });
    expect((await again.get('/api/users?limit=1')).body.total).toBe(seededCount);
    expect(await second.stop('SIGINT')).toBe(0);
    expect(readdirSync(join(dataDir, 'pg'))).toContain('PG_VERSION');
  }, 120_000);

  it('stops a node on an external database without touching the database server', async () => {
    const user = await createUser(database().db);
    const node = await spawnServer({ DATABASE_URL: database().url });
    const client = await signIn(new HttpClient(node.url), user);
    const { socket } = await connectSocket(node.url, client.cookie);
    expect(await node.stop('SIGTERM')).toBe(0);
    expect(socket.connected).toBe(false);
    expect(node.output()).not.toMatch(/unhandled|uncaught/i);
    // The database is still there for everyone else.
    expect((await database().sql`select 1 as one`)[0].one).toBe(1);
  }, 60_000);
});
