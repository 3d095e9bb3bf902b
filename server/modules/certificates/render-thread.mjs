// Entry of a rendering thread. Worker threads do not inherit the parent's TypeScript loader on
// Node 20, so the thread registers tsx itself, then loads the TypeScript worker.
import { tsImport } from 'tsx/esm/api';

await tsImport('./render-worker.ts', import.meta.url);
