import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queueMail } from '../server/mail/mailer.ts';
import { mailMessages } from '../server/mail/schema.ts';
import { useTestApp } from './support/app.ts';
import { createUser, signIn } from './support/factories.ts';
import { useSmtpServer } from './support/smtp.ts';
import { waitUntil } from './support/wait.ts';

describe('mail over real SMTP', () => {
  const smtp = useSmtpServer();
  const t = useTestApp({ smtpUrl: () => smtp.url, workJobs: true });

  it('delivers a message to the SMTP server and records it as sent', async () => {
    const result = await t().mailer.send({ to: 'learner@example.test', subject: 'Welcome aboard', text: 'Hello there', dedupeKey: 'welcome:1' });
    expect(result.message.status).toBe('sent');
    const received = await smtp.waitFor((mail) => mail.subject === 'Welcome aboard');
    expect(received.to).toEqual(['learner@example.test']);
    expect(received.raw).toContain('Hello there');
  });

  it('sends once per dedupe key, however often it is asked', async () => {
    const sends = await Promise.all(Array.from({ length: 5 }, () => t().mailer.send({ to: 'once@example.test', subject: 'Only once', text: 'x', dedupeKey: 'once:1' })));
    expect(sends.filter((s) => s.isNew)).toHaveLength(1);
    await smtp.waitFor((mail) => mail.subject === 'Only once');
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.received.filter((mail) => mail.subject === 'Only once')).toHaveLength(1);
  });

  it('records a refused message as failed and sends it on a retry', async () => {
    smtp.reject = true;
    await expect(t().mailer.send({ to: 'retry@example.test', subject: 'Try again', text: 'x', dedupeKey: 'retry:1' })).rejects.toThrow();
    const [failed] = await t().db.select().from(mailMessages).where(eq(mailMessages.dedupeKey, 'retry:1'));
    expect(failed.status).toBe('failed');
    smtp.reject = false;
    const retried = await t().mailer.send({ to: 'retry@example.test', subject: 'Try again', text: 'x', dedupeKey: 'retry:1' });
    expect(retried.message.status).toBe('sent');
    expect(smtp.received.filter((mail) => mail.subject === 'Try again')).toHaveLength(1);
  });

  it('sends queued mail only once its transaction commits, retries it when SMTP fails, and never twice', async () => {
    await expect(
      t().db.transaction(async (tx) => {
        await queueMail(tx, [{ to: 'rolled@example.test', subject: 'Rolled back', text: 'x', dedupeKey: 'outbox:rolled' }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await t().db.transaction((tx) => queueMail(tx, [1, 2, 3].map((n) => ({ to: `queued${n}@example.test`, subject: `Queued ${n}`, text: 'x', dedupeKey: `outbox:${n}` }))));
    smtp.reject = true;
    await t().mailer.flush();
    const failed = await t().db.select().from(mailMessages).where(eq(mailMessages.dedupeKey, 'outbox:1'));
    expect(failed[0].status).toBe('failed');
    smtp.reject = false;
    // Two nodes flushing at once: each message goes out once.
    await Promise.all([t().mailer.flush(), t().mailer.flush()]);
    for (const n of [1, 2, 3]) expect(smtp.received.filter((m) => m.subject === `Queued ${n}`)).toHaveLength(1);
    expect(smtp.received.filter((m) => m.subject === 'Rolled back')).toHaveLength(0);
    await t().mailer.flush();
    expect(smtp.received.filter((m) => m.subject.startsWith('Queued '))).toHaveLength(3);
  });

  it('mails an invitation through the job queue, enqueued with the invite', async () => {
    const admin = await signIn(t().client(), await createUser(t().db, { roles: ['system_manager'] }));
    const invite = await admin.post('/api/invites', { email: 'newcomer@example.test', roles: ['student'] });
    expect(invite.status).toBe(201);
    const mail = await smtp.waitFor((m) => m.to.includes('newcomer@example.test'));
    expect(mail.subject).toBe('You are invited to the learning platform');
    expect(mail.raw.replace(/=\r?\n/g, '')).toContain(new URL(invite.body.url).searchParams.get('invite')!);
    // Recorded as sent once the SMTP exchange has ended, a moment after the server got it.
    const logged = await waitUntil(async () => {
      const list = await admin.get('/api/mailbox?to=newcomer');
      return list.body.messages[0]?.status === 'sent' ? list.body.messages[0] : undefined;
    });
    expect(logged).toMatchObject({ to: 'newcomer@example.test', status: 'sent' });
  });

  it('shows the mail log to staff only', async () => {
    const moderator = await signIn(t().client(), await createUser(t().db, { roles: ['moderator'] }));
    const list = await moderator.get('/api/mailbox');
    expect(list.status).toBe(200);
    expect(list.body.transport).toBe('smtp');
    const one = await moderator.get(`/api/mailbox/${list.body.messages[0].id}`);
    expect(one.body.text).toEqual(expect.any(String));
    const student = await signIn(t().client(), await createUser(t().db));
    expect((await student.get('/api/mailbox')).status).toBe(403);
  });
});

describe('mail without SMTP', () => {
  const t = useTestApp({ workJobs: true });

  it('keeps messages in the outbox for the /mailbox page', async () => {
    const admin = await signIn(t().client(), await createUser(t().db, { roles: ['system_manager'] }));
    await admin.post('/api/invites', { email: 'outbox@example.test', roles: ['student'] });
    const stored = await waitUntil(async () => {
      const list = await admin.get('/api/mailbox?to=outbox');
      return list.body.messages[0]?.status === 'stored' ? list.body : undefined;
    });
    expect(stored.transport).toBe('outbox');
    const message = await admin.get(`/api/mailbox/${stored.messages[0].id}`);
    expect(message.body.text).toContain('/signup?invite=');
  });
});
