// A single-page app: Hono serves build/index.html for every route and the browser renders it.
export const ssr = false;
export const prerender = false;
