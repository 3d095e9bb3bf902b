#!/usr/bin/env node
// `npm run dev`: the API (tsx watch, restarting on server changes) on API_PORT (3001) and Vite on
// PORT (3000) with a proxy for /api and /socket.io. Ctrl+C or SIGTERM stops both; if either
// exits, the other is stopped too, so a crashed API never leaves a half-working dev server.
import { spawn } from 'node:child_process';

const apiPort = process.env.API_PORT ?? '3001';
const webPort = process.env.PORT ?? '3000';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const FORCE_AFTER_MS = 20_000;

/** @type {{ name: string; child: import('node:child_process').ChildProcess }[]} */
const children = [];
let stopping = false;
let exitCode = 0;

const running = (child) => child.exitCode === null && child.signalCode === null;

/**
 * Each child runs in its own process group: `npx` puts npm and a shell between us and the real
 * program, and npm does not pass signals on, so signals go to the whole group instead.
 */
function signalGroup(child, signal) {
  if (!running(child) || child.pid === undefined) return;
  try {
    process.kill(process.platform === 'win32' ? child.pid : -child.pid, signal);
  } catch {
    // Already gone.
  }
}

function start(name, args, env) {
  const child = spawn(npx, args, {
    stdio: 'inherit',
    env: { ...process.env, ...env },
    detached: process.platform !== 'win32',
  });
  children.push({ name, child });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[dev] ${name} exited (${signal ?? `code ${code}`}); stopping the rest.`);
      exitCode = code || 1;
      stop('SIGTERM');
    }
    if (children.every(({ child: c }) => !running(c))) process.exit(exitCode);
  });
  child.on('error', (error) => {
    console.error(`[dev] could not start ${name}: ${error.message}`);
    exitCode = 1;
    stop('SIGTERM');
  });
}

function stop(signal) {
  stopping = true;
  for (const { child } of children) signalGroup(child, signal);
  // The API shuts down gracefully (jobs, sockets, database); do not wait forever for it.
  setTimeout(() => {
    for (const { child } of children) signalGroup(child, 'SIGKILL');
    process.exit(exitCode || 1);
  }, FORCE_AFTER_MS).unref();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    console.log(`\n[dev] ${signal}: stopping the API and Vite…`);
    stop(signal);
  });
}

// SERVER_ROLE is passed through unchanged (all, web or worker). People reach the app through
// Vite, so links the API writes into emails (invitations) point at Vite's port unless set.
start('api', ['tsx', 'watch', 'server/index.ts', '--seed'], {
  PORT: apiPort,
  PUBLIC_URL: process.env.PUBLIC_URL ?? `http://localhost:${webPort}`,
});
start('vite', ['vite', 'dev', '--port', webPort, '--strictPort'], { PORT: webPort, API_PORT: apiPort });
console.log(`[dev] API on http://127.0.0.1:${apiPort}, app on http://localhost:${webPort}`);
