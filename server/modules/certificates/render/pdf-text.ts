import PDFDocument from 'pdfkit';
import { fontRuns, registerPdfFonts, type Typeface } from './fonts.ts';

/** A pdfkit document with our fonts registered, collected into one Buffer when ended. */
export function createPdf(options: PDFKit.PDFDocumentOptions): { doc: PDFKit.PDFDocument; done: Promise<Buffer> } {
  // No default font: pdfkit would parse Helvetica's metrics for every document, and every
  // piece of text here names one of our registered fonts anyway.
  const doc = new PDFDocument({ ...options, font: null as unknown as string, autoFirstPage: options.autoFirstPage ?? true });
  registerPdfFonts(doc);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, done };
}

/** Width of text in a typeface at a size, summed over its subset runs. */
export function measure(doc: PDFKit.PDFDocument, text: string, typeface: Typeface, size: number): number {
  let width = 0;
  for (const run of fontRuns(text, typeface)) width += doc.font(run.font).fontSize(size).widthOfString(run.text);
  return width;
}

/**
 * Writes text with per-glyph subset fonts. Runs are chained with `continued`, so pdfkit wraps
 * the whole string as one paragraph within `options.width`.
 */
export function writeText(
  doc: PDFKit.PDFDocument,
  text: string,
  typeface: Typeface,
  size: number,
  position: { x?: number; y?: number },
  options: PDFKit.Mixins.TextOptions = {},
): void {
  const runs = fontRuns(text.length > 0 ? text : ' ', typeface);
  // pdfkit aligns each continued run on its own; a single line of several runs is placed by hand.
  if (runs.length > 1 && options.lineBreak === false && options.width && (options.align === 'center' || options.align === 'right') && position.x !== undefined) {
    const free = options.width - measure(doc, text, typeface, size);
    position = { ...position, x: position.x + Math.max(0, options.align === 'center' ? free / 2 : free) };
    options = { ...options, align: 'left', width: undefined };
  }
  runs.forEach((run, index) => {
    doc.font(run.font).fontSize(size);
    const last = index === runs.length - 1;
    const runOptions = { ...options, continued: !last };
    if (index === 0 && position.x !== undefined) doc.text(run.text, position.x, position.y, runOptions);
    else doc.text(run.text, runOptions);
  });
}

/** One line of text shrunk until it fits `width` (from `size` down), never wrapped. */
export function writeFittedLine(doc: PDFKit.PDFDocument, text: string, typeface: Typeface, size: number, x: number, y: number, width: number): void {
  const natural = measure(doc, text, typeface, size);
  const fitted = natural > width ? Math.max(1, (size * width) / natural) : size;
  writeText(doc, text, typeface, fitted, { x, y }, { lineBreak: false });
}
