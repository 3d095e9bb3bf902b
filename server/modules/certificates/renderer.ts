import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CertificateDesign, CertificateFacts } from './design.ts';

/** The renderer's functions this module uses (`./render/index.ts`). */
export interface CertificateRenderer {
  renderCertificatePdf(facts: CertificateFacts, design: CertificateDesign): Promise<Buffer>;
  renderCertificatePng(facts: CertificateFacts, design: CertificateDesign, options?: { width?: number }): Promise<Buffer>;
  /** How many renders can usefully run at once. */
  readonly parallelism: number;
}

export type RenderTask =
  | { id: number; kind: 'pdf'; facts: CertificateFacts; design: CertificateDesign }
  | { id: number; kind: 'png'; facts: CertificateFacts; design: CertificateDesign; options?: { width?: number } };
type RenderReply = { id: number; bytes?: Uint8Array; error?: string };

let loaded: Promise<CertificateRenderer> | undefined;

/**
 * The certificate renderer, loaded on first use (it reads its fonts once, which a node that never
 * renders need not pay for). Rendering is CPU-bound, so it runs on a pool of threads, one per
 * core, leaving the event loop free for requests, the database and SMTP. Under the test runner
 * (which has already compiled the renderer in-process) it renders in-process; the pool itself is
 * tested on its own.
 */
export function renderer(): Promise<CertificateRenderer> {
  loaded ??= (threadsAvailable() ? Promise.resolve(createRenderPool(availableParallelism())) : loadInProcess()).catch((error) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

function threadsAvailable(): boolean {
  return !process.env.VITEST;
}

async function loadInProcess(): Promise<CertificateRenderer> {
  const render = await import('./render/index.ts');
  return { renderCertificatePdf: render.renderCertificatePdf, renderCertificatePng: render.renderCertificatePng, parallelism: 2 };
}

/**
 * A fixed pool of rendering threads. Tasks queue in order and go to whichever thread is idle; a
 * thread that dies fails its task and is replaced (up to a limit, so a thread that cannot even
 * start does not respawn forever).
 */
export function createRenderPool(size: number): CertificateRenderer {
  type Waiting = { task: RenderTask; resolve: (bytes: Buffer) => void; reject: (error: Error) => void };
  const queue: Waiting[] = [];
  const idle: Worker[] = [];
  const running = new Map<Worker, Waiting>();
  let nextId = 0;
  let respawnsLeft = 20;

  function spawn(): void {
    const worker = new Worker(new URL('./render-thread.mjs', import.meta.url));
    worker.unref();
    worker.on('message', (reply: RenderReply) => {
      const waiting = running.get(worker);
      running.delete(worker);
      if (reply.error || !reply.bytes) waiting?.reject(new Error(`certificate rendering failed: ${reply.error}`));
      else waiting?.resolve(Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength));
      idle.push(worker);
      dispatch();
    });
    worker.on('error', (error) => {
      running.get(worker)?.reject(error);
      running.delete(worker);
    });
    worker.on('exit', () => {
      running.get(worker)?.reject(new Error('the rendering thread stopped'));
      running.delete(worker);
      const at = idle.indexOf(worker);
      if (at >= 0) idle.splice(at, 1);
      if (respawnsLeft-- > 0) spawn();
      else for (const waiting of queue.splice(0)) waiting.reject(new Error('no rendering thread is left'));
    });
    idle.push(worker);
    dispatch();
  }

  function dispatch(): void {
    while (idle.length && queue.length) {
      const worker = idle.shift()!;
      const waiting = queue.shift()!;
      running.set(worker, waiting);
      worker.postMessage(waiting.task);
    }
  }

  function run(task: Omit<Extract<RenderTask, { kind: 'pdf' }>, 'id'> | Omit<Extract<RenderTask, { kind: 'png' }>, 'id'>): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      queue.push({ task: { ...task, id: nextId++ } as RenderTask, resolve, reject });
      dispatch();
    });
  }

  for (let i = 0; i < size; i++) spawn();
  return {
    renderCertificatePdf: (facts, design) => run({ kind: 'pdf', facts, design }),
    renderCertificatePng: (facts, design, options) => run({ kind: 'png', facts, design, options }),
    parallelism: size,
  };
}
