import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../server/auth/password.ts';
import type { Role } from '../../server/auth/roles.ts';
import type { Database } from '../../server/db/client.ts';
import { userRoles, users } from '../../server/modules/users/schema.ts';
import type { HttpClient } from './http.ts';

export interface TestUser {
  id: string;
  email: string;
  name: string;
  password: string;
  roles: Role[];
}

let passwordHash: Promise<string> | undefined;
const DEFAULT_PASSWORD = 'correct horse battery';

/** A user with the given roles (default: student), all sharing one password hash for speed. */
export async function createUser(db: Database, options: { roles?: Role[]; name?: string; email?: string; timezone?: string | null } = {}): Promise<TestUser> {
  passwordHash ??= hashPassword(DEFAULT_PASSWORD);
  const suffix = randomBytes(4).toString('hex');
  const email = options.email ?? `user-${suffix}@example.test`;
  const name = options.name ?? `Test User ${suffix}`;
  const roles = options.roles ?? ['student'];
  const [row] = await db
    .insert(users)
    .values({ email, name, passwordHash: await passwordHash, timezone: options.timezone === undefined ? 'UTC' : options.timezone })
    .returning({ id: users.id });
  if (roles.length) await db.insert(userRoles).values(roles.map((role) => ({ userId: row.id, role })));
  return { id: row.id, email, name, password: DEFAULT_PASSWORD, roles };
}

/** Signs `user` in on `client` and returns the client, now carrying the session cookie. */
export async function signIn(client: HttpClient, user: Pick<TestUser, 'email' | 'password'>): Promise<HttpClient> {
  const response = await client.post('/api/auth/login', { email: user.email, password: user.password });
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${JSON.stringify(response.body)}`);
  return client;
}
