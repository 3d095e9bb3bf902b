/// <reference path="./svg-to-pdfkit.d.ts" />
import { Resvg } from '@resvg/resvg-js';
import SVGtoPDF from 'svg-to-pdfkit';
import { PAGE, QR_COLOUR, renderCertificateArtwork, renderCertificateSvg } from './certificate-svg.ts';
import { fillMergeFields, formatCertificateDate, type CertificateDesign, type CertificateFacts } from './design.ts';
import { createPdf, writeFittedLine } from './pdf-text.ts';
import { drawQrPdf } from './qr.ts';

/**
 * Vector PDF (A4): an invisible text layer first (so pdftotext, search and screen readers find
 * the facts that satori drew as outlines), the artwork over it, and the QR code drawn natively.
 * CreationDate is the issue date and pdfkit's font tags and file id derive from the content, so
 * the same certificate and design always give the same bytes.
 */
export async function renderCertificatePdf(facts: CertificateFacts, design: CertificateDesign): Promise<Buffer> {
  const pdfDesign = design.logoDataUrl?.startsWith('data:image/svg+xml') ? { ...design, logoDataUrl: rasteriseSvgLogo(design.logoDataUrl) } : design;
  const { svg, qr } = await renderCertificateArtwork(facts, pdfDesign);
  const { width, height } = PAGE[design.orientation];
  const heading = fillMergeFields(design.heading, facts);
  const { doc, done } = createPdf({
    size: 'A4',
    layout: design.orientation,
    margin: 0,
    info: {
      Title: `${heading}: ${facts.courseTitle}`,
      Author: facts.issuerName,
      Subject: `${heading} awarded to ${facts.memberName} for ${facts.courseTitle}`,
      Keywords: ['certificate', facts.certificateId, facts.courseTitle, facts.memberName].join(', '),
      Creator: facts.issuerName,
      CreationDate: new Date(`${facts.issuedOn}T00:00:00Z`),
    },
  });

  const lines = [
    heading,
    facts.memberName,
    facts.courseTitle,
    fillMergeFields(design.body, facts),
    `Certificate ID: ${facts.certificateId}`,
    `Issued: ${formatCertificateDate(facts.issuedOn)} (${facts.issuedOn})`,
    facts.expiresOn ? `Valid until: ${formatCertificateDate(facts.expiresOn)} (${facts.expiresOn})` : null,
    `Issuer: ${facts.issuerName}`,
    `Verify: ${facts.verifyUrl}`,
    facts.status && facts.status !== 'valid' ? `Status: ${facts.status}` : null,
  ].filter((line): line is string => line !== null);
  doc.save();
  doc.fillOpacity(0);
  lines.forEach((line, index) => writeFittedLine(doc, line, index <= 1 ? 'sansBold' : 'sans', 10, 40, 60 + index * 14, width - 80));
  doc.restore();

  const { rest, glyphs } = splitGlyphPaths(svg);
  SVGtoPDF(doc, rest, 0, 0, { width, height, assumePt: true });
  for (const glyph of glyphs) {
    const operators = glyphOperators(glyph.d);
    doc.fillColor(glyph.fill);
    if (operators) doc.addContent(operators).fill();
    else doc.path(glyph.d).fill();
  }
  drawQrPdf(doc, facts.verifyUrl, qr.x, qr.y, qr.side, QR_COLOUR);
  doc.end();
  return done;
}

/**
 * satori writes each block of text as `<g><path fill="#rrggbb" d="…"/></g>`: plain filled
 * outlines, most of the document's bytes. svg-to-pdfkit measures every curve of them (its
 * slowest part); pdfkit's own path parser draws them directly, several times faster. They are
 * drawn after the rest, which only moves text above shapes that never overlap it here (frames,
 * rules); anything with a transform, clip or opacity (the status watermark) stays with svg-to-pdfkit.
 */
export function splitGlyphPaths(svg: string): { rest: string; glyphs: Array<{ fill: string; d: string }> } {
  const glyphs: Array<{ fill: string; d: string }> = [];
  const rest = svg.replace(/<g><path fill="(#[0-9a-fA-F]{6})" d="([^"]*)"\/><\/g>/g, (_, fill: string, d: string) => {
    glyphs.push({ fill, d });
    return '';
  });
  return { rest, glyphs };
}

/**
 * PDF path operators for satori's glyph outlines, which use only absolute M, L, Q and Z.
 * Quadratic curves become cubic ones (PDF has no quadratic): control points at 2/3 of the way
 * from each end point to the quadratic's control point. Returns null for any other command,
 * and the caller falls back to pdfkit's general SVG path parser.
 */
export function glyphOperators(d: string): string | null {
  const tokens = d.match(/[A-Za-z]|-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/g);
  if (!tokens) return null;
  const out: string[] = [];
  const n = (value: number) => String(Math.round(value * 100) / 100);
  let x = 0;
  let y = 0;
  let i = 0;
  const number = () => Number(tokens[i++]);
  while (i < tokens.length) {
    const command = tokens[i++];
    if (command === 'M' || command === 'L') {
      x = number();
      y = number();
      out.push(`${n(x)} ${n(y)} ${command === 'M' ? 'm' : 'l'}`);
    } else if (command === 'Q') {
      const cx = number();
      const cy = number();
      const ex = number();
      const ey = number();
      out.push(`${n(x + (2 / 3) * (cx - x))} ${n(y + (2 / 3) * (cy - y))} ${n(ex + (2 / 3) * (cx - ex))} ${n(ey + (2 / 3) * (cy - ey))} ${n(ex)} ${n(ey)} c`);
      x = ex;
      y = ey;
    } else if (command === 'Z' || command === 'z') {
      out.push('h');
    } else {
      return null;
    }
  }
  return out.join('\n');
}

/** PNG preview from the same SVG (default 1200 px wide); also the verification page's og:image. */
export async function renderCertificatePng(facts: CertificateFacts, design: CertificateDesign, options: { width?: number } = {}): Promise<Buffer> {
  const svg = await renderCertificateSvg(facts, design);
  const resvg = new Resvg(svg, { fitTo: { mode: 'width', value: options.width ?? 1200 }, font: { loadSystemFonts: false } });
  return resvg.render().asPng();
}

/** svg-to-pdfkit draws only raster images, so an SVG logo goes into the PDF as a sharp PNG. */
function rasteriseSvgLogo(dataUrl: string): string {
  const svg = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
  const png = new Resvg(svg, { fitTo: { mode: 'height', value: 264 }, font: { loadSystemFonts: false } }).render().asPng();
  return `data:image/png;base64,${png.toString('base64')}`;
}
