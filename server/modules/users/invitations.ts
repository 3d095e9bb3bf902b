import { and, desc, eq, isNull } from 'drizzle-orm';
import { actorUserId, authorize, type Actor } from '../../auth/permissions.ts';
import type { Role } from '../../auth/roles.ts';
import { generateToken, hashToken } from '../../auth/tokens.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import { iso } from '../../http.ts';
import { recordAudit } from '../system/audit.ts';
import type { InviteDto } from './dto.ts';
import { invites, users } from './schema.ts';

const INVITE_DAYS = 14;

function toInviteDto(row: typeof invites.$inferSelect): InviteDto {
  return { id: row.id, email: row.email, roles: row.roles, expiresAt: iso(row.expiresAt), acceptedAt: iso(row.acceptedAt), createdAt: iso(row.createdAt) };
}

export async function listInvites(db: Executor, input: { actor: Actor }): Promise<InviteDto[]> {
  authorize(input.actor, 'users.invite');
  const rows = await db.select().from(invites).orderBy(desc(invites.createdAt)).limit(200);
  return rows.map(toInviteDto);
}

/**
 * Invites a person by email with the roles they will get. The link is returned once and mailed
 * (through the job queue, enqueued in the same transaction so an invite never goes unmailed).
 */
export async function createInvite(
  db: Database,
  input: { actor: Actor; email: string; roles: Role[]; baseUrl: string; jobs: JobQueue; now: Date },
): Promise<{ invite: InviteDto; url: string }> {
  const actor = authorize(input.actor, 'users.invite');
  const [existingUser] = await db.select({ id: users.id }).from(users).where(eq(users.email, input.email));
  if (existingUser) throw new AppError('email_taken', 'Someone with this email already has an account.');
  const token = generateToken();
  const url = `${input.baseUrl}/signup?invite=${token}&email=${encodeURIComponent(input.email)}`;
  const invite = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(invites)
      .values({
        email: input.email,
        roles: input.roles.length ? [...new Set(input.roles)] : ['student'],
        tokenHash: hashToken(token),
        invitedBy: actorUserId(actor)!,
        expiresAt: new Date(input.now.getTime() + INVITE_DAYS * 86_400_000),
      })
      .returning();
    await recordAudit(tx, { actor, action: 'user_invited', subjectType: 'invite', subjectId: row.id, details: { email: row.email, roles: row.roles } });
    await input.jobs.send(
      'mail.deliver',
      {
        to: row.email,
        subject: 'You are invited to the learning platform',
        text: `You have been invited to join the learning platform.\n\nCreate your account here (the link works for ${INVITE_DAYS} days):\n${url}\n`,
        dedupeKey: `invite:${row.id}`,
      },
      { tx },
    );
    return row;
  });
  return { invite: toInviteDto(invite), url };
}

export async function revokeInvite(db: Database, input: { actor: Actor; inviteId: string; now: Date }): Promise<void> {
  const actor = authorize(input.actor, 'users.invite');
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(invites)
      .set({ expiresAt: input.now })
      .where(and(eq(invites.id, input.inviteId), isNull(invites.acceptedAt)))
      .returning();
    if (!row) throw new AppError('not_found', 'No open invite with that id.');
    await recordAudit(tx, { actor, action: 'invite_revoked', subjectType: 'invite', subjectId: row.id, details: { email: row.email } });
  });
}
