import type {} from 'pdfkit';
import QRCode from 'qrcode';

/**
 * A QR code as one filled SVG path in module units (0..size), with horizontal runs of dark
 * modules merged into rectangles: vector in the PDF, crisp in the PNG, no raster step.
 */
export function qrPath(text: string): { size: number; d: string } {
  const { size, runs } = qrRuns(text);
  return { size, d: runs.map((run) => `M${run.x} ${run.y}h${run.length}v1h${-run.length}z`).join('') };
}

const QUIET_ZONE = 2;

/** The dark modules as rectangles (module units), one per horizontal run. */
export function qrRuns(text: string): { size: number; runs: Array<{ x: number; y: number; length: number }> } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = modules.size;
  const runs: Array<{ x: number; y: number; length: number }> = [];
  for (let row = 0; row < size; row++) {
    let col = 0;
    while (col < size) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && modules.get(row, col)) col++;
      runs.push({ x: start, y: row, length: col - start });
    }
  }
  return { size, runs };
}

/** Draws the QR code straight into a pdfkit page (svg-to-pdfkit is slow on many-part paths). */
export function drawQrPdf(doc: PDFKit.PDFDocument, text: string, x: number, y: number, side: number, color: string): void {
  const { size, runs } = qrRuns(text);
  const scale = side / (size + QUIET_ZONE * 2);
  doc.save();
  doc.rect(x, y, side, side).fill('#FFFFFF');
  doc.translate(x + QUIET_ZONE * scale, y + QUIET_ZONE * scale).scale(scale);
  for (const run of runs) doc.rect(run.x, run.y, run.length, 1);
  doc.fill(color);
  doc.restore();
}

/** An SVG group drawing the QR code into a square at (x, y) of the given side, quiet zone included. */
export function qrSvgGroup(text: string, x: number, y: number, side: number, color: string): string {
  const { size, d } = qrPath(text);
  const quiet = QUIET_ZONE;
  const scale = side / (size + quiet * 2);
  return (
    `<g id="verification-qr" data-url="${escapeAttribute(text)}">` +
    `<rect x="${x}" y="${y}" width="${side}" height="${side}" fill="#FFFFFF"/>` +
    `<path transform="translate(${round(x + quiet * scale)} ${round(y + quiet * scale)}) scale(${round(scale)})" fill="${color}" d="${d}"/>` +
    `</g>`
  );
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
