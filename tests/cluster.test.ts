import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './support/database.ts';
import { createUser, signIn } from './support/factories.ts';
import { HttpClient } from './support/http.ts';
import { spawnServer, type ServerProcess } from './support/server-process.ts';
import { connectSocket, nextEvent } from './support/socket.ts';

describe('two server processes on one database', () => {
  const database = useTestDatabase();
  let nodeA: ServerProcess;
  let nodeB: ServerProcess;

  beforeAll(async () => {
    // Started together: they take turns on migrations and share the adapter's table.
    [nodeA, nodeB] = await Promise.all([spawnServer({ DATABASE_URL: database().url }), spawnServer({ DATABASE_URL: database().url, SERVER_ROLE: 'web' })]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
  });

  it('delivers an event caused on one node to a socket connected to the other', async () => {
    const user = await createUser(database().db);
    const onA = await signIn(new HttpClient(nodeA.url), user);
    // The same session works on either node: sessions live in Postgres.
    const { socket } = await connectSocket(nodeB.url, onA.cookie);
    try {
      const heard = nextEvent(socket, 'user.updated');
      const response = await onA.patch('/api/me', { name: 'Changed on node A' });
      expect(response.status).toBe(200);
      expect(await heard).toMatchObject({ id: user.id, name: 'Changed on node A' });
    } finally {
      socket.close();
    }
  });

  it('disconnects a session’s socket on one node when the password changes on the other', async () => {
    const user = await createUser(database().db);
    const onA = await signIn(new HttpClient(nodeA.url), user);
    const other = await signIn(new HttpClient(nodeB.url), user);
    const { socket } = await connectSocket(nodeB.url, other.cookie);
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await onA.post('/api/auth/password', { currentPassword: user.password, newPassword: 'changed on node A' });
    expect(await closed).toBe('io server disconnect');
  });

  it('answers health on both nodes with their roles', async () => {
    const [a, b] = await Promise.all([new HttpClient(nodeA.url).get('/api/health'), new HttpClient(nodeB.url).get('/api/health')]);
    expect(a.body).toMatchObject({ status: 'ok', jobs: { role: 'all' } });
    expect(b.body).toMatchObject({ status: 'ok', jobs: { role: 'web' } });
  });
});
