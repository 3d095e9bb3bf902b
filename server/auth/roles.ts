import { z } from 'zod';

export const roles = ['system_manager', 'moderator', 'course_creator', 'batch_evaluator', 'student'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export const roleLabels: Record<Role, string> = {
  system_manager: 'System Manager',
  moderator: 'Moderator',
  course_creator: 'Course Creator',
  batch_evaluator: 'Batch Evaluator',
  student: 'Student',
};

/** Roles that see staff pages (mailbox, audit, dashboards). */
export const staffRoles: readonly Role[] = ['system_manager', 'moderator'];

/** What an API key may be allowed to do; each endpoint that accepts keys names the scope it needs. */
export const apiKeyScopes = ['users:read', 'users:write', 'training:assign', 'onboarding'] as const;
export const apiKeyScopeSchema = z.enum(apiKeyScopes);
export type ApiKeyScope = z.infer<typeof apiKeyScopeSchema>;
