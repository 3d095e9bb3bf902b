import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: {
    // Runes mode for our own components (legacy `export let` and `$:` are compile errors);
    // packages in node_modules are compiled the way their authors wrote them.
    runes: ({ filename }) => (filename.split(/[/\\]/).includes('node_modules') ? undefined : true),
  },
  kit: {
    // A single-page app: Hono serves build/ and falls back to index.html for every route.
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true }),
    alias: {
      // Type-only access to server DTOs and event types (plus the few pure modules such as
      // server/auth/roles.ts). Never import server runtime code into the browser.
      $server: 'server',
    },
  },
};

export default config;
