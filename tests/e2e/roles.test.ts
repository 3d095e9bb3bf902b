import { describe, expect, it } from 'vitest';
import { demoAccounts } from '../../server/seed/demo.ts';
import { logIn, useBrowser } from './browser.ts';

describe('each demo role signs in and sees its home, live', () => {
  const { newPage } = useBrowser();

  for (const account of demoAccounts.staff) {
    it(`${account.label}`, async () => {
      const page = await newPage();
      await logIn(page, account.email);
      for (const role of account.roles) {
        await page.getByTestId(`home-${role}`).waitFor({ state: 'visible' });
      }
      const indicator = page.getByTestId('connection-status');
      await indicator.and(page.locator('[data-state="connected"]')).waitFor({ timeout: 15_000 });
      expect(await indicator.getAttribute('data-state')).toBe('connected');
      // Sections for roles the account does not hold are not shown.
      const others = ['system_manager', 'moderator', 'course_creator', 'batch_evaluator', 'student'].filter((r) => !account.roles.includes(r as never));
      for (const role of others) expect(await page.getByTestId(`home-${role}`).count()).toBe(0);
      await page.context().close();
    });
  }

  it('shows a signed-out visitor the login page, and a wrong password an error', async () => {
    const page = await newPage();
    await page.goto('/');
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email').fill('admin@demo.test');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Wrong email or password.').first().waitFor();
    await page.context().close();
  });
});
