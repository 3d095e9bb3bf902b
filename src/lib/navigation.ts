import type { Role } from '$server/auth/roles.ts';

export interface NavItem {
  href: string;
  label: string;
  /** Shown only to holders of one of these roles; everyone signed in when absent. */
  roles?: readonly Role[];
  /** Left out for holders of these roles (they reach the same page through another item). */
  hiddenFor?: readonly Role[];
}

const systemManager: readonly Role[] = ['system_manager'];
const staff: readonly Role[] = ['system_manager', 'moderator'];
const learner: readonly Role[] = ['student'];
const authors: readonly Role[] = ['course_creator', 'moderator'];
const cohortRunners: readonly Role[] = ['moderator', 'batch_evaluator'];
const evaluators: readonly Role[] = ['batch_evaluator'];

/** The top bar's links, in order. */
export const navItems: readonly NavItem[] = [
  { href: '/', label: 'Home' },
  { href: '/catalogue', label: 'Catalogue', roles: learner },
  { href: '/cohorts', label: 'My cohorts', roles: learner, hiddenFor: cohortRunners },
  { href: '/evaluations', label: 'My evaluations', roles: learner },
  { href: '/profile/certificates', label: 'Certificates', roles: learner, hiddenFor: staff },
  { href: '/author', label: 'Courses', roles: authors },
  { href: '/cohorts', label: 'Cohorts', roles: cohortRunners },
  { href: '/evaluator', label: 'Evaluations', roles: evaluators },
  { href: '/evaluator/certificates', label: 'Issue certificates', roles: evaluators, hiddenFor: staff },
  { href: '/scheduling/boards', label: 'Evaluation boards', roles: staff },
  { href: '/admin/users', label: 'Users', roles: systemManager },
  { href: '/admin/api-keys', label: 'API keys', roles: systemManager },
  { href: '/admin/settings', label: 'Settings', roles: systemManager },
  { href: '/training', label: 'Training', roles: staff },
  { href: '/staff/certificates', label: 'Certificates', roles: staff },
  { href: '/statistics', label: 'Statistics', roles: staff },
  { href: '/audit', label: 'Audit', roles: staff },
  { href: '/mailbox', label: 'Mailbox', roles: staff },
];

/** Route ids (and everything under them) that need one of these roles. */
const protectedRoutes: [string, readonly Role[]][] = [
  ['/author', authors],
  ['/admin', systemManager],
  ['/mailbox', staff],
  ['/training', staff],
  ['/statistics', staff],
  ['/audit', staff],
  ['/scheduling', staff],
  ['/staff', staff],
  ['/evaluator', evaluators],
];

/**
 * The links one person sees: those of their roles, each page once.
 * @example visibleNavItems((roles) => session.hasAnyRole(roles))
 */
export function visibleNavItems(hasAnyRole: (roles: readonly Role[]) => boolean): NavItem[] {
  return navItems.filter((item) => (!item.roles || hasAnyRole(item.roles)) && !(item.hiddenFor && hasAnyRole(item.hiddenFor)));
}

/** Pages a signed-out visitor may see; everything else sends them to /login. */
const publicRoutes = new Set(['/login', '/signup']);

export function isPublicRoute(routeId: string | null): boolean {
  return routeId !== null && publicRoutes.has(routeId);
}

/** Pages anyone may see, signed in or not (a certificate's verification page): never redirected. */
const openRoutes = new Set(['/certificate/[publicId]']);

export function isOpenRoute(routeId: string | null): boolean {
  return routeId !== null && openRoutes.has(routeId);
}

/** The roles a route needs, or undefined when any signed-in person may see it. */
export function requiredRoles(routeId: string | null): readonly Role[] | undefined {
  if (!routeId) return undefined;
  return protectedRoutes.find(([prefix]) => routeId === prefix || routeId.startsWith(`${prefix}/`))?.[1];
}

/**
 * Where to go after signing in: the `next` parameter when it is a path on this site, else home.
 * @example safeNext('/mailbox?to=a') // '/mailbox?to=a'; safeNext('//evil.example') // '/'
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}

/** True when `href` is the current page or a parent section of it. */
export function isCurrent(href: string, pathname: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}
