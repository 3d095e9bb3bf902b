import { ApiError } from '$lib/api/client';

export type ToastKind = 'error' | 'success' | 'info';

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

const DEFAULT_TIMEOUT_MS: Record<ToastKind, number> = { error: 8000, success: 4000, info: 5000 };
/** The same message twice within this window is shown once (parallel requests failing together). */
const DUPLICATE_WINDOW_MS = 1500;

/**
 * The notifications shown in the corner of every page. Errors stay longer than confirmations.
 *
 * @example toasts.error('Could not save'); toasts.fromError(caught);
 */
export class ToastQueue {
  items = $state<Toast[]>([]);
  #nextId = 1;
  #timers = new Map<number, ReturnType<typeof setTimeout>>();
  #recent = new Map<string, number>();

  show(kind: ToastKind, message: string, timeoutMs = DEFAULT_TIMEOUT_MS[kind]): number | undefined {
    const key = `${kind}:${message}`;
    const now = Date.now();
    const shownAt = this.#recent.get(key);
    if (shownAt !== undefined && now - shownAt < DUPLICATE_WINDOW_MS) return undefined;
    this.#recent.set(key, now);

    const id = this.#nextId++;
    this.items.push({ id, kind, message });
    if (timeoutMs > 0) this.#timers.set(id, setTimeout(() => this.dismiss(id), timeoutMs));
    return id;
  }

  error(message: string) {
    return this.show('error', message);
  }

  success(message: string) {
    return this.show('success', message);
  }

  info(message: string) {
    return this.show('info', message);
  }

  /** Shows what went wrong in words a person can act on; the server's message for API errors. */
  fromError(error: unknown) {
    if (error instanceof ApiError) return this.error(describeApiError(error));
    return this.error('Something went wrong. Please try again.');
  }

  dismiss(id: number) {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    this.items = this.items.filter((toast) => toast.id !== id);
  }
}

/** The sentence shown for an API error. */
export function describeApiError(error: ApiError): string {
  switch (error.code) {
    case 'forbidden':
      return error.message || 'You do not have access to do that.';
    case 'rate_limited':
      return error.message || 'Too many attempts. Wait a moment and try again.';
    default:
      return error.message || 'Something went wrong. Please try again.';
  }
}
