import { AppError } from '../errors.ts';
import type { ApiKeyScope, Role } from './roles.ts';

/** Who is asking: a signed-in person, an integration holding an API key, or the platform itself (jobs). */
export type Actor =
  | { kind: 'user'; userId: string; roles: readonly Role[]; sessionId?: string }
  | { kind: 'api_key'; keyId: string; name: string; scopes: readonly ApiKeyScope[]; createdBy: string }
  | { kind: 'system'; reason: string };

/**
 * What some rules look at: whose the record is. `userId` is the person a record is about (a
 * profile, an enrollment); `ownerIds` are the people who run it (a course's owner and
 * instructors; a cohort's evaluators and its courses' instructors).
 */
export interface PermissionSubject {
  userId?: string;
  ownerIds?: readonly string[];
}

type Rule = {
  /** Any of these roles may. */
  roles?: readonly Role[];
  /** An API key holding this scope may. */
  scope?: ApiKeyScope;
  /** A signed-in user may when this holds for the record (e.g. it is their own). */
  own?: (actor: Extract<Actor, { kind: 'user' }>, subject: PermissionSubject) => boolean;
};

const isSelf = (actor: { userId: string }, subject: PermissionSubject) => subject.userId === actor.userId;
const runsIt = (actor: { userId: string }, subject: PermissionSubject) => subject.ownerIds?.includes(actor.userId) ?? false;
const selfOrRunsIt = (actor: { userId: string }, subject: PermissionSubject) => isSelf(actor, subject) || runsIt(actor, subject);
const anyone = () => true;

/**
 * Every action the platform checks, and who may take it. The one table of permissions:
 * services call `authorize`, never compare roles themselves.
 */
export const permissionRules = {
  'users.list': { roles: ['system_manager', 'moderator'], scope: 'users:read' },
  'users.view': { roles: ['system_manager', 'moderator'], scope: 'users:read', own: isSelf },
  'users.manage': { roles: ['system_manager'], scope: 'users:write' },
  'users.invite': { roles: ['system_manager'] },
  'profile.update': { own: isSelf },
  'settings.manage': { roles: ['system_manager'] },
  'apiKeys.manage': { roles: ['system_manager'] },
  'mailbox.read': { roles: ['system_manager', 'moderator'] },

  // Courses: creators author their own, moderators all.
  'courses.create': { roles: ['course_creator', 'moderator'] },
  'courses.edit': { roles: ['moderator'], own: runsIt },
  /** See every learner's progress in a course (course dashboard, `course:<id>` room). */
  'courses.viewProgress': { roles: ['moderator', 'system_manager'], own: runsIt },
  /** Browse the catalogue, enrol oneself, learn: any signed-in person. */
  'learning.participate': { own: anyone },

  // Enrollments: a learner's own, or staff.
  'enrollments.view': { roles: ['moderator', 'system_manager'], own: selfOrRunsIt },
  'enrollments.manage': { roles: ['moderator'] },

  // Cohorts.
  'cohorts.manage': { roles: ['moderator'] },
  /** A cohort's page: members, its evaluators and instructors, staff. */
  'cohorts.view': { roles: ['moderator', 'system_manager'], own: selfOrRunsIt },
  /** Every member's progress in a cohort (dashboard, `cohort:<id>` room). */
  'cohorts.viewDashboard': { roles: ['moderator', 'system_manager'], own: runsIt },

  // Scheduling. Subjects: `userId` = the evaluator (availability, their requests) or the learner
  // (a request, a board they are enrolled in); `ownerIds` = a request's evaluator, a course's
  // runners and evaluators.
  /** Map evaluators to courses (which makes them batch evaluators). */
  'evaluators.assign': { roles: ['moderator'] },
  /** See who evaluates a course: staff, its owner and instructors, its evaluators. */
  'evaluators.view': { roles: ['moderator', 'system_manager'], own: runsIt },
  /** Weekly hours, buffer, meeting link, slot lengths, unavailability: the evaluator themself, or staff. */
  'evaluatorAvailability.manage': { roles: ['moderator', 'system_manager'], own: isSelf },
  /** An evaluator's list of requests (today, upcoming, past). */
  'evaluatorRequests.view': { roles: ['moderator', 'system_manager'], own: isSelf },
  /** Book an evaluation: for oneself only. */
  'certificateRequests.book': { own: isSelf },
  /** A request: its learner, its evaluator, staff. */
  'certificateRequests.view': { roles: ['moderator', 'system_manager'], own: selfOrRunsIt },
  /** Cancel or reschedule: the learner (until the notice cutoff), staff (any time). */
  'certificateRequests.change': { roles: ['moderator', 'system_manager'], own: isSelf },
  /** Change a request after the learner's cutoff has passed. */
  'certificateRequests.changeAfterCutoff': { roles: ['moderator', 'system_manager'] },
  /** Hear a course's slot board (`board:<id>`): its enrolled learners, its evaluators and runners, staff. */
  'slotBoard.watch': { roles: ['moderator', 'system_manager'], own: selfOrRunsIt },
  /** Mark an evaluation Completed (pass or fail, rubric, notes): its assigned evaluator, or moderators. */
  'certificateRequests.complete': { roles: ['moderator'], own: runsIt },
  /** Edit a course's evaluation rubric: moderators, the course's owner and instructors. */
  'evaluationRubric.manage': { roles: ['moderator'], own: runsIt },
  /** A course's waitlist and every evaluator's board with counts: staff, the course's owner and instructors. */
  'schedulingBoards.view': { roles: ['moderator', 'system_manager'], own: runsIt },

  // Mandatory training. Subject `userId` = the employee an assignment is for.
  /** Create one assignment, change due dates, see all assignments, compliance and exports. */
  'training.manage': { roles: ['system_manager', 'moderator'] },
  /** Assign a course to many employees at once: staff, or an integration with `training:assign`. */
  'training.bulkAssign': { roles: ['system_manager', 'moderator'], scope: 'training:assign' },
  /** Read an assignment: staff, or the employee's own (students never change due dates). */
  'training.view': { roles: ['system_manager', 'moderator'], own: isSelf },
  /** The onboarding hook an HR system calls. */
  'training.onboard': { scope: 'onboarding' },
  /** Import employees (create or update by email) from a CSV. */
  'employees.import': { roles: ['system_manager', 'moderator'], scope: 'users:write' },

  // Certificates. Subject `userId` = the member a certificate is for; `ownerIds` = the course's evaluators.
  /** Get Certified and see one's own certificates. */
  'certificates.claim': { own: isSelf },
  /** One certificate: its member, or staff. */
  'certificates.view': { roles: ['moderator', 'system_manager'], own: isSelf },
  /** Issue one by hand: staff, or an evaluator of that course (mapped, or named by a cohort taking it). */
  'certificates.issue': { roles: ['moderator', 'system_manager'], own: runsIt },
  /** Every certificate: lists, exports, bulk issuance, revocation, reissue. */
  'certificates.manage': { roles: ['moderator', 'system_manager'] },
  /** Certificate templates (look, wording, the site default). */
  'certificateTemplates.manage': { roles: ['moderator', 'system_manager'] },

  // Statistics, exports and the audit trail.
  /** The statistics snapshot (compliance, activity, quiz scores, evaluations, progress). */
  'stats.view': { roles: ['system_manager', 'moderator'] },
  /** CSV exports of enrollments and quiz submissions: staff, or an integration with `reports:read`. */
  'stats.export': { roles: ['system_manager', 'moderator'], scope: 'reports:read' },
  /** Who did what, when. */
  'audit.view': { roles: ['system_manager', 'moderator'] },

  // HR files. Subject `userId` = the learner; `ownerIds` = the course's owner, instructors and evaluators.
  /** Quiz submission and course quiz report PDFs: the learner, the course's runners and evaluators, staff, or an integration with `reports:read`. */
  'quizReports.view': { roles: ['moderator', 'system_manager'], scope: 'reports:read', own: selfOrRunsIt },
  /** One employee's evidence pack (certificates, quiz reports, assignment history): staff, or an integration with `reports:read`. */
  'evidencePack.download': { roles: ['moderator', 'system_manager'], scope: 'reports:read' },
} satisfies Record<string, Rule>;

export type Action = keyof typeof permissionRules;

/**
 * May `actor` take `action` on `subject`? The platform itself (jobs) may do anything.
 * @example can(actor, 'users.view', { userId }) // true for staff, a key with users:read, or the user themself
 */
export function can(actor: Actor | null | undefined, action: Action, subject: PermissionSubject = {}): boolean {
  if (!actor) return false;
  if (actor.kind === 'system') return true;
  const rule: Rule = permissionRules[action];
  if (actor.kind === 'api_key') return rule.scope !== undefined && actor.scopes.includes(rule.scope);
  if (rule.roles?.some((role) => actor.roles.includes(role))) return true;
  return rule.own?.(actor, subject) ?? false;
}

/** Throws 401 when nobody is signed in, 403 when the actor may not; returns the actor otherwise. */
export function authorize(actor: Actor | null | undefined, action: Action, subject: PermissionSubject = {}): Actor {
  if (!actor) throw new AppError('unauthenticated', 'Sign in to continue.');
  if (!can(actor, action, subject)) throw new AppError('forbidden', 'You do not have permission to do that.');
  return actor;
}

/** The signed-in user behind a request; API keys and jobs are refused. */
export function requireUser(actor: Actor | null | undefined): Extract<Actor, { kind: 'user' }> {
  if (!actor) throw new AppError('unauthenticated', 'Sign in to continue.');
  if (actor.kind !== 'user') throw new AppError('forbidden', 'This needs a signed-in person, not an API key.');
  return actor;
}

/** A short label for audit records. */
export function actorLabel(actor: Actor): string {
  if (actor.kind === 'user') return `user:${actor.userId}`;
  if (actor.kind === 'api_key') return `api_key:${actor.name}`;
  return `system:${actor.reason}`;
}

export function actorUserId(actor: Actor): string | null {
  if (actor.kind === 'user') return actor.userId;
  if (actor.kind === 'api_key') return actor.createdBy;
  return null;
}
