import { renderCertificateArtwork } from '../server/modules/certificates/render/certificate-svg.ts';
import { renderCertificatePdf } from '../server/modules/certificates/render/certificate-pdf.ts';
import { defaultCertificateDesign, type CertificateFacts } from '../server/modules/certificates/render/design.ts';
import { percentile, round } from './support/measure.ts';

const RENDERS = Number(process.env.BENCH_RENDERS ?? 50);
const WARMUP = 5;

/** A different member per render, as a cohort graduation would have; accents and a long title. */
function factsFor(index: number): CertificateFacts {
  return {
    certificateId: `K7Q2-XK9P-${String(index).padStart(4, '0')}`,
    memberName: ['Zoë Łukasiewicz-Strauß', 'Ada Lovelace', 'José Ångström', 'Maria Alejandra Fernández-Wójcik'][index % 4],
    courseTitle: 'Occupational health & safety for façade and scaffolding work, with "working at height" refresher',
    issuedOn: '2026-03-03',
    expiresOn: '2028-03-02',
    issuerName: 'Acme Learning',
    verifyUrl: `https://learn.example.com/certificate/K7Q2XK9P${index}`,
  };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * certificate_render: one certificate PDF at a time (satori -> SVG -> pdfkit + svg-to-pdfkit,
 * text layer, QR code), RENDERS after a warm-up. `median_ms` and `p99_ms` per PDF; the floor
 * beside it is satori alone on the same facts (`svg_median_ms`), the part no PDF path can skip.
 */
export async function run(): Promise<Record<string, number>> {
  for (let i = 0; i < WARMUP; i++) await renderCertificatePdf(factsFor(i), defaultCertificateDesign);
  const pdfTimes: number[] = [];
  const svgTimes: number[] = [];
  for (let i = 0; i < RENDERS; i++) {
    pdfTimes.push(await timed(() => renderCertificatePdf(factsFor(i), defaultCertificateDesign)));
    svgTimes.push(await timed(() => renderCertificateArtwork(factsFor(i), defaultCertificateDesign)));
  }
  return {
    renders: RENDERS,
    median_ms: round(percentile(pdfTimes, 50)),
    p99_ms: round(percentile(pdfTimes, 99)),
    svg_median_ms: round(percentile(svgTimes, 50)),
  };
}
