import { describe, expect, inject, it } from 'vitest';
import { HttpClient } from '../support/http.ts';
import { spawnServer } from '../support/server-process.ts';
import { logIn, useBrowser } from './browser.ts';

async function adminClient(baseUrl: string): Promise<HttpClient> {
  const client = new HttpClient(baseUrl);
  const response = await client.post('/api/auth/login', { email: 'admin@demo.test', password: 'demo-password' });
  expect(response.status).toBe(200);
  return client;
}

describe('live updates in the browser', () => {
  const { newPage, baseUrl } = useBrowser();

  it('a role granted by an administrator appears on the person’s home without reload', async () => {
    const page = await newPage();
    await logIn(page, 'moderator@demo.test');
    await page.getByTestId('home-moderator').waitFor();
    expect(await page.getByTestId('home-course_creator').count()).toBe(0);

    const admin = await adminClient(baseUrl);
    const { id } = (await admin.get('/api/users?search=moderator@demo.test')).body.users[0];
    await admin.patch(`/api/users/${id}`, { roles: ['moderator', 'course_creator'] });
    await page.getByTestId('home-course_creator').waitFor({ timeout: 10_000 });

    await admin.patch(`/api/users/${id}`, { roles: ['moderator'] });
    await page.getByTestId('home-course_creator').waitFor({ state: 'detached', timeout: 10_000 });
    await page.context().close();
  });

  it('after losing its server, a page reconnects and shows what changed while it was away', async () => {
    // A second node on the same database serves this page, so it can go away and come back.
    const databaseUrl = inject('databaseUrl');
    let node = await spawnServer({ DATABASE_URL: databaseUrl, SERVER_ROLE: 'web' });
    const port = new URL(node.url).port;
    const page = await newPage();
    await logIn(page, 'moderator@demo.test'); // cookies are per host, not per port: valid on both nodes
    await page.goto(`${node.url}/mailbox`);
    const connected = page.locator('[data-testid="connection-status"][data-state="connected"]');
    await connected.waitFor();

    expect(await node.stop('SIGTERM')).toBe(0);
    await page.locator('[data-testid="connection-status"]:not([data-state="connected"])').waitFor({ timeout: 10_000 });

    // While the page is cut off, an invitation is mailed (recorded through the other node).
    const admin = await adminClient(baseUrl);
    const email = `while-away-${Date.now()}@example.test`;
    expect((await admin.post('/api/invites', { email, roles: ['student'] })).status).toBe(201);
    for (let i = 0; i < 100 && (await admin.get(`/api/mailbox?to=${encodeURIComponent(email)}`)).body.total === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await page.getByText(email).count()).toBe(0);

    node = await spawnServer({ DATABASE_URL: databaseUrl, SERVER_ROLE: 'web', PORT: port });
    await connected.waitFor({ timeout: 20_000 });
    await page.getByText(email).first().waitFor({ timeout: 10_000 });
    await page.context().close();
    expect(await node.stop('SIGTERM')).toBe(0);
  });
});
