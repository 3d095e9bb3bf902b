/**
 * The first message per field from a `validation_failed` error's details. Accepts an issue
 * list (`[{ path, message }]` or `{ issues: [...] }`, path as an array or a dotted string) and its flattened form
 * (`{ fieldErrors: { email: ['…'] } }`), whichever the server sends.
 *
 * @example fieldErrors(error.details).email // "Invalid email address"
 */
export function fieldErrors(details: unknown): Record<string, string> {
  const byField: Record<string, string> = {};
  if (!details || typeof details !== 'object') return byField;

  const issues = Array.isArray(details) ? details : (details as { issues?: unknown }).issues;
  if (Array.isArray(issues)) {
    for (const issue of issues as { path?: unknown; message?: unknown }[]) {
      // The path is zod's array (["email"]) or the server's dotted string ("email", "roles.0").
      const path = issue?.path;
      const field = Array.isArray(path) ? path[0] : typeof path === 'string' ? path.split('.')[0] : undefined;
      if (typeof field === 'string' && typeof issue.message === 'string' && !byField[field]) byField[field] = issue.message;
    }
  }

  const flattened = (details as { fieldErrors?: unknown }).fieldErrors;
  if (flattened && typeof flattened === 'object') {
    for (const [field, messages] of Object.entries(flattened as Record<string, unknown>)) {
      if (Array.isArray(messages) && typeof messages[0] === 'string' && !byField[field]) byField[field] = messages[0];
    }
  }
  return byField;
}

/**
 * Every message of a `validation_failed` error by its full dotted path, for nested forms (a quiz's
 * questions and options). The first message per path wins.
 *
 * @example issuesByPath(error.details)['questions.2.options'] // "Mark at least one option correct"
 */
export function issuesByPath(details: unknown): Record<string, string> {
  const byPath: Record<string, string> = {};
  if (!details || typeof details !== 'object') return byPath;
  const issues = Array.isArray(details) ? details : (details as { issues?: unknown }).issues;
  if (!Array.isArray(issues)) return byPath;
  for (const issue of issues as { path?: unknown; message?: unknown }[]) {
    const path = Array.isArray(issue?.path) ? issue.path.join('.') : typeof issue?.path === 'string' ? issue.path : undefined;
    if (path !== undefined && typeof issue.message === 'string' && !(path in byPath)) byPath[path] = issue.message;
  }
  return byPath;
}
