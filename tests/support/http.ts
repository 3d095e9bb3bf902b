import type { Hono } from 'hono';

export interface JsonResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * One browser against the app: keeps the session cookie and sends the same-origin headers a
 * browser sends. Pass `origin: null` to act as a cross-site page, `bearer` to act as an integration.
 */
export class HttpClient {
  cookie: string | undefined;
  constructor(
    private readonly app: Pick<Hono<any>, 'request'> | string,
    private readonly defaults: { origin?: string | null; bearer?: string } = {},
  ) {}

  withBearer(secret: string): HttpClient {
    return new HttpClient(this.app, { ...this.defaults, bearer: secret });
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
    const base = typeof this.app === 'string' ? this.app : 'http://localhost';
    const url = new URL(path, base);
    const origin = this.defaults.origin === undefined ? url.origin : this.defaults.origin;
    const init: RequestInit = {
      method,
      headers: {
        host: url.host,
        ...(origin ? { origin } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.defaults.bearer ? { authorization: `Bearer ${this.defaults.bearer}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    };
    const response = typeof this.app === 'string' ? await fetch(url, init) : await this.app.request(url.toString(), init);
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) {
      const [pair] = setCookie.split(';');
      const [, value] = pair.split('=');
      this.cookie = value ? pair : undefined;
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  patch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  put<T = any>(path: string, body: unknown) {
    return this.request<T>('PUT', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
}
