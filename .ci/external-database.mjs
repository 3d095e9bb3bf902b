// Prints a DATABASE_URL for a database of CI's own on the PostgreSQL service at 127.0.0.1:5432,
// creating it if needed; exits 1 (printing nothing) when no server answers.
import postgres from 'postgres';

const name = 'learning_ci';
const base = process.env.CI_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const sql = postgres(base, { max: 1, connect_timeout: 3, onnotice: () => {} });
try {
  const [exists] = await sql`select 1 from pg_database where datname = ${name}`;
  if (!exists) await sql.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  process.stdout.write(url.toString());
  await sql.end();
} catch {
  await sql.end({ timeout: 1 }).catch(() => {});
  process.exit(1);
}
