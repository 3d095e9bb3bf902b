// A rendering thread: renders what the pool in `renderer.ts` sends and posts the bytes back.
import { parentPort } from 'node:worker_threads';
import { renderCertificatePdf, renderCertificatePng } from './render/index.ts';
import type { RenderTask } from './renderer.ts';

parentPort!.on('message', async (task: RenderTask) => {
  try {
    const bytes = task.kind === 'pdf' ? await renderCertificatePdf(task.facts, task.design) : await renderCertificatePng(task.facts, task.design, task.options);
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice();
    parentPort!.postMessage({ id: task.id, bytes: view }, [view.buffer]);
  } catch (error) {
    parentPort!.postMessage({ id: task.id, error: error instanceof Error ? error.stack ?? error.message : String(error) });
  }
});
