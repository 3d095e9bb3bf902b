import { and, desc, eq, isNull } from 'drizzle-orm';
import { actorUserId, authorize, type Actor } from '../../auth/permissions.ts';
import type { ApiKeyScope } from '../../auth/roles.ts';
import { generateToken, hashToken } from '../../auth/tokens.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { iso } from '../../http.ts';
import { recordAudit } from '../system/audit.ts';
import type { ApiKeyDto } from './dto.ts';
import { apiKeys, users } from './schema.ts';

/** Keys look like `lpk_<32 base32 chars>`; the prefix makes a leaked key easy to spot in logs and scanners. */
const KEY_PREFIX = 'lpk_';

function toApiKeyDto(row: typeof apiKeys.$inferSelect): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as ApiKeyScope[],
    createdAt: iso(row.createdAt),
    lastUsedAt: iso(row.lastUsedAt),
    revokedAt: iso(row.revokedAt),
  };
}

export async function listApiKeys(db: Executor, input: { actor: Actor }): Promise<ApiKeyDto[]> {
  authorize(input.actor, 'apiKeys.manage');
  return (await db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt))).map(toApiKeyDto);
}

/** Creates a key. The secret is returned here once; only its SHA-256 is stored. */
export async function createApiKey(
  db: Database,
  input: { actor: Actor; name: string; scopes: ApiKeyScope[] },
): Promise<{ apiKey: ApiKeyDto; secret: string }> {
  const actor = authorize(input.actor, 'apiKeys.manage');
  const secret = `${KEY_PREFIX}${generateToken()}`;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({ name: input.name, prefix: secret.slice(0, KEY_PREFIX.length + 6), keyHash: hashToken(secret), scopes: [...new Set(input.scopes)], createdBy: actorUserId(actor)! })
      .returning();
    await recordAudit(tx, { actor, action: 'api_key_created', subjectType: 'api_key', subjectId: row.id, details: { name: row.name, scopes: row.scopes } });
    return { apiKey: toApiKeyDto(row), secret };
  });
}

export async function revokeApiKey(db: Database, input: { actor: Actor; apiKeyId: string; now: Date }): Promise<ApiKeyDto> {
  const actor = authorize(input.actor, 'apiKeys.manage');
  return db.transaction(async (tx) => {
    const [row] = await tx.update(apiKeys).set({ revokedAt: input.now }).where(and(eq(apiKeys.id, input.apiKeyId), isNull(apiKeys.revokedAt))).returning();
    if (!row) throw new AppError('not_found', 'No active API key with that id.');
    await recordAudit(tx, { actor, action: 'api_key_revoked', subjectType: 'api_key', subjectId: row.id, details: { name: row.name } });
    return toApiKeyDto(row);
  });
}

/** The integration behind a bearer secret, or null for an unknown or revoked key (or a deactivated creator). */
export async function authenticateApiKey(db: Executor, secret: string, now: Date): Promise<Actor | null> {
  if (!secret.startsWith(KEY_PREFIX)) return null;
  const [row] = await db
    .select({ id: apiKeys.id, name: apiKeys.name, scopes: apiKeys.scopes, createdBy: apiKeys.createdBy, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.createdBy))
    .where(and(eq(apiKeys.keyHash, hashToken(secret)), isNull(apiKeys.revokedAt), eq(users.isActive, true)));
  if (!row) return null;
  // Written at most once a minute, so a busy integration does not turn every read into a write.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id));
  }
  return { kind: 'api_key', keyId: row.id, name: row.name, scopes: row.scopes as ApiKeyScope[], createdBy: row.createdBy };
}
