// Pure constants, also imported by the browser: no zod here (the schemas are in users/dto.ts).

export const roles = ['system_manager', 'moderator', 'course_creator', 'batch_evaluator', 'student'] as const;
export type Role = (typeof roles)[number];

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
export const apiKeyScopes = ['users:read', 'users:write', 'training:assign', 'onboarding', 'reports:read'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];
