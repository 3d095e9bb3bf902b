import { z } from 'zod';
import { apiKeyScopes, roles } from '../../auth/roles.ts';

export const roleSchema = z.enum(roles);
export const apiKeyScopeSchema = z.enum(apiKeyScopes);

/** Any IANA zone name the runtime knows, e.g. "Europe/Paris". */
export const timezoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'Unknown IANA timezone');

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email().max(254));
export const passwordSchema = z.string().min(8, 'At least 8 characters').max(256);

export const userSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    timezone: z.string().nullable(),
    roles: z.array(roleSchema),
    isActive: z.boolean(),
    department: z.string().nullable(),
    designation: z.string().nullable(),
    employeeCode: z.string().nullable(),
    createdAt: z.string(),
    /** Changes with every edit (roles included): a client keeps the newest copy it has seen. */
    updatedAt: z.string(),
  })
  .meta({ id: 'User' });
export type UserDto = z.infer<typeof userSchema>;

export const signupInput = z
  .object({
    email: emailSchema,
    name: z.string().trim().min(1).max(120),
    password: passwordSchema,
    timezone: timezoneSchema.optional(),
    inviteToken: z.string().min(10).max(100).optional(),
  })
  .meta({ id: 'SignupInput' });
export type SignupInput = z.infer<typeof signupInput>;

export const loginInput = z
  .object({ email: emailSchema, password: z.string().min(1).max(256), timezone: timezoneSchema.optional() })
  .meta({ id: 'LoginInput' });

export const changePasswordInput = z
  .object({ currentPassword: z.string().min(1).max(256), newPassword: passwordSchema })
  .meta({ id: 'ChangePasswordInput' });

export const profileInput = z
  .object({ name: z.string().trim().min(1).max(120).optional(), timezone: timezoneSchema.optional() })
  .meta({ id: 'ProfileInput' });

export const sessionSchema = z.object({ user: userSchema, expiresAt: z.string() }).meta({ id: 'Session' });
export type SessionDto = z.infer<typeof sessionSchema>;

export const userListQuery = z.object({
  search: z.string().trim().max(100).optional(),
  role: roleSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export const userListSchema = z.object({ users: z.array(userSchema), total: z.number().int() }).meta({ id: 'UserList' });
export type UserListDto = z.infer<typeof userListSchema>;

export const userUpdateInput = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    roles: z.array(roleSchema).max(5).optional(),
    isActive: z.boolean().optional(),
  })
  .meta({ id: 'UserUpdateInput' });

export const inviteInput = z
  .object({ email: emailSchema, roles: z.array(roleSchema).max(5).default(['student']) })
  .meta({ id: 'InviteInput' });
export const inviteSchema = z
  .object({ id: z.uuid(), email: z.string(), roles: z.array(roleSchema), expiresAt: z.string(), acceptedAt: z.string().nullable(), createdAt: z.string() })
  .meta({ id: 'Invite' });
export const createdInviteSchema = z.object({ invite: inviteSchema, url: z.string() }).meta({ id: 'CreatedInvite' });
export type CreatedInviteDto = z.infer<typeof createdInviteSchema>;
export type InviteDto = z.infer<typeof inviteSchema>;

export const apiKeyInput = z
  .object({ name: z.string().trim().min(1).max(80), scopes: z.array(apiKeyScopeSchema).min(1) })
  .meta({ id: 'ApiKeyInput' });
export const apiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(apiKeyScopeSchema),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });
export type ApiKeyDto = z.infer<typeof apiKeySchema>;
/** The only time the secret is shown. */
export const createdApiKeySchema = z.object({ apiKey: apiKeySchema, secret: z.string() }).meta({ id: 'CreatedApiKey' });
export type CreatedApiKeyDto = z.infer<typeof createdApiKeySchema>;

export const passwordChangedSchema = z.object({ signedOutSessions: z.number().int() }).meta({ id: 'PasswordChanged' });
export type PasswordChangedDto = z.infer<typeof passwordChangedSchema>;

export const signupModeSchema = z.enum(['open', 'invite']);
export const authConfigSchema = z.object({ signupMode: signupModeSchema }).meta({ id: 'AuthConfig' });
export type AuthConfigDto = z.infer<typeof authConfigSchema>;

export const idParam = z.object({ id: z.uuid() });
