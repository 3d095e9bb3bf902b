import { defineConfig } from 'drizzle-kit';

// Used only by `npm run db:generate`; the app applies migrations itself at start.
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/db/schema.ts',
  out: './drizzle',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://localhost/unused' },
});
