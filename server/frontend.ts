import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from './logger.ts';

const SOURCES = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package-lock.json', 'server/realtime/events.ts'];
const STAMP = '.build-stamp';

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when `build/` is missing or older than any frontend source. */
export function frontendIsStale(root: string): boolean {
  const stamp = join(root, 'build', STAMP);
  if (!existsSync(join(root, 'build', 'index.html')) || !existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  return SOURCES.some((source) => newestMtime(join(root, source)) > built);
}

/** Builds the single-page app with Vite when it is missing or stale, so `npm start` always serves current code. */
export function ensureFrontendBuilt(root: string, log: Logger): void {
  if (!frontendIsStale(root)) return;
  log.info('building the frontend (missing or older than its sources)…');
  const vite = join(root, 'node_modules', '.bin', 'vite');
  if (!existsSync(vite)) throw new Error('Vite is not installed: run `npm ci` first.');
  const result = spawnSync(vite, ['build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('The frontend build failed; see the output above.');
  writeFileSync(join(root, 'build', STAMP), new Date().toISOString());
}

/**
 * The app shell with a page's link-preview tags (Open Graph, Twitter card) and title written into
 * its head, escaped, for crawlers that do not run the app's script.
 * @example withSharePreview(indexHtml, { title, description, url, image })
 */
export function withSharePreview(html: string, preview: { title: string; description: string; url: string; image: string }): string {
  const escape = (value: string) => value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
  const tags = [
    `<title>${escape(preview.title)}</title>`,
    `<meta name="description" content="${escape(preview.description)}">`,
    `<meta property="og:type" content="website">`,
    `<meta property="og:title" content="${escape(preview.title)}">`,
    `<meta property="og:description" content="${escape(preview.description)}">`,
    `<meta property="og:url" content="${escape(preview.url)}">`,
    `<meta property="og:image" content="${escape(preview.image)}">`,
    `<meta name="twitter:card" content="summary_large_image">`,
  ].join('');
  const withoutTitle = html.replace(/<title>[\s\S]*?<\/title>/i, '');
  return /<\/head>/i.test(withoutTitle) ? withoutTitle.replace(/<\/head>/i, `${tags}</head>`) : `${tags}${withoutTitle}`;
}
