import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config.ts';
import { createLogger } from '../server/logger.ts';
import { startServer, type RunningServer } from '../server/index.ts';
import { useTestDatabase } from './support/database.ts';
import { createUser, signIn } from './support/factories.ts';
import { HttpClient } from './support/http.ts';
import { connectSocket, nextEvent, type TestSocket } from './support/socket.ts';

describe('realtime: handshake, rooms and the relay', () => {
  const database = useTestDatabase();
  let server: RunningServer;
  const sockets: TestSocket[] = [];
  const open = async (cookie?: string) => {
    const connected = await connectSocket(server.url, cookie);
    sockets.push(connected.socket);
    return connected;
  };

  beforeAll(async () => {
    const config = loadConfig({ DATABASE_URL: database().url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', NODE_ENV: 'test' });
    server = await startServer({ config, log: createLogger('silent') });
    server.url = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.stop();
  });

  it('refuses a socket without a session, or with a forged one', async () => {
    await expect(connectSocket(server.url)).rejects.toThrow('unauthorized');
    await expect(connectSocket(server.url, 'session=not-a-real-token')).rejects.toThrow('unauthorized');
  });

  it('accepts a signed-in socket into its user and role rooms', async () => {
    const user = await createUser(database().db, { roles: ['student', 'moderator'] });
    const client = await signIn(new HttpClient(server.url), user);
    const { ready } = await open(client.cookie);
    expect(ready.userId).toBe(user.id);
    expect(ready.rooms).toEqual(expect.arrayContaining([`user:${user.id}`, 'role:student', 'role:moderator', 'dashboard']));
  });

  it('pushes a profile change to the person’s other tabs and to staff, never to other learners', async () => {
    const user = await createUser(database().db);
    const otherLearner = await createUser(database().db);
    const moderator = await createUser(database().db, { roles: ['moderator'] });
    const tab1 = await signIn(new HttpClient(server.url), user);
    const { socket: tab2 } = await open((await signIn(new HttpClient(server.url), user)).cookie);
    const { socket: stranger } = await open((await signIn(new HttpClient(server.url), otherLearner)).cookie);
    const { socket: staff } = await open((await signIn(new HttpClient(server.url), moderator)).cookie);
    let strangerHeard = false;
    stranger.on('user.updated', () => (strangerHeard = true));

    const inTab2 = nextEvent(tab2, 'user.updated');
    const atStaff = nextEvent(staff, 'user.updated');
    await tab1.patch('/api/me', { timezone: 'Pacific/Auckland' });
    expect(await inTab2).toMatchObject({ id: user.id, timezone: 'Pacific/Auckland' });
    expect(await atStaff).toMatchObject({ id: user.id });
    await new Promise((r) => setTimeout(r, 200));
    expect(strangerHeard).toBe(false);
  });

  it('closes the sockets of sessions ended by a password change', async () => {
    const user = await createUser(database().db);
    const laptop = await signIn(new HttpClient(server.url), user);
    const { socket: phone } = await open((await signIn(new HttpClient(server.url), user)).cookie);
    const { socket: laptopSocket } = await open(laptop.cookie);
    const phoneClosed = new Promise<string>((resolve) => phone.once('disconnect', (reason) => resolve(reason)));
    await laptop.post('/api/auth/password', { currentPassword: user.password, newPassword: 'another long secret' });
    expect(await phoneClosed).toBe('io server disconnect');
    expect(laptopSocket.connected).toBe(true);
  });

  it('moves a socket into a new role’s room when the role is granted', async () => {
    const admin = await signIn(new HttpClient(server.url), await createUser(database().db, { roles: ['system_manager'] }));
    const user = await createUser(database().db);
    const { socket } = await open((await signIn(new HttpClient(server.url), user)).cookie);
    const updated = nextEvent(socket, 'user.updated');
    await admin.patch(`/api/users/${user.id}`, { roles: ['student', 'moderator'] });
    expect((await updated).roles).toEqual(['moderator', 'student']);
    // Now a moderator: mail recorded for staff reaches this socket.
    const mail = nextEvent(socket, 'mail.recorded');
    await admin.post('/api/invites', { email: 'room-check@example.test', roles: ['student'] });
    expect((await mail).to).toBe('room-check@example.test');
  });
});
