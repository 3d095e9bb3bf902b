import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Error codes a client may see, with the HTTP status each maps to. */
export const errorStatus = {
  bad_request: 400,
  validation_failed: 400,
  not_an_evaluator: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  cross_origin: 403,
  invite_required: 403,
  not_enrolled: 403,
  not_eligible: 403,
  self_enrollment_disabled: 403,
  not_found: 404,
  conflict: 409,
  email_taken: 409,
  cohort_full: 409,
  course_not_published: 409,
  attempts_exhausted: 409,
  attempt_closed: 409,
  attempt_open: 409,
  time_expired: 409,
  slot_taken: 409,
  slot_unavailable: 409,
  request_exists: 409,
  request_closed: 409,
  cutoff_passed: 409,
  evaluation_not_offered: 409,
  evaluation_not_started: 409,
  quizzes_not_passed: 409,
  slots_available: 409,
  assignment_exists: 409,
  certificate_ineligible: 409,
  already_certified: 409,
  certification_disabled: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof errorStatus;

/**
 * The one error type services throw. The error handler turns it into
 * `{ error: { code, message, details? } }` with the status from `errorStatus`.
 *
 * @example throw new AppError('not_found', 'No such user');
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): ContentfulStatusCode {
    return errorStatus[this.code];
  }
}

/** Postgres error codes services translate into 409s. */
export const pgErrors = {
  uniqueViolation: '23505',
  exclusionViolation: '23P01',
  foreignKeyViolation: '23503',
  deadlockDetected: '40P01',
  serializationFailure: '40001',
} as const;

/** The SQLSTATE of a driver error, looking through drizzle's wrapping. */
export function pgErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The constraint name a driver error names, looking through drizzle's wrapping. */
export function pgConstraint(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const name = (current as { constraint_name?: unknown; constraint?: unknown }).constraint_name
      ?? (current as { constraint?: unknown }).constraint;
    if (typeof name === 'string') return name;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
