import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { certificateDesignSchema, defaultCertificateDesign, fillMergeFields, mergeFieldNames, renderCertificatePdf, renderCertificatePng, renderCertificateSvg, type CertificateDesign, type CertificateFacts } from './index.ts';
import { normaliseSpace, pdfInfo, pdfText } from './poppler.testing.ts';
import { qrPath } from './qr.ts';

const facts: CertificateFacts = {
  certificateId: 'K7Q2-XK9P-4MZT-W3RA',
  memberName: 'Zoë Łukasiewicz-Strauß',
  courseTitle: 'Fire safety & "evacuation" <basics> for Ørsted’s façades',
  issuedOn: '2026-03-03',
  expiresOn: '2028-03-02',
  issuerName: 'Acme Learning',
  verifyUrl: 'https://learn.example.com/certificate/K7Q2XK9P4MZTW3RA',
};

const LONG_TITLE = ('Advanced occupational health, safety & environmental management for multi-site façade operations: ' + 'ground works, scaffolding, ładunki, Straßenbau ').slice(0, 200).padEnd(200, 'x');

function svgLogo(): string {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40"><rect width="120" height="40" rx="6" fill="#1F3A5F"/><circle cx="20" cy="20" r="10" fill="#C8A24A"/></svg>';
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

function pngLogo(): string {
  const png = new Resvg(Buffer.from(Buffer.from(svgLogo().split(',')[1], 'base64'))).render().asPng();
  return `data:image/png;base64,${png.toString('base64')}`;
}

describe('certificate PDF', () => {
  it('keeps every letter of one document after another drew its accented form (fonts are not shared between documents)', async () => {
    await renderCertificatePdf({ ...facts, memberName: 'Ümit Ünal', courseTitle: 'Ünïcode Übung' }, defaultCertificateDesign);
    const id = 'tdDQkFihsMCr2dUCYfuwfBUwO6g';
    const text = normaliseSpace(pdfText(await renderCertificatePdf({ ...facts, certificateId: id, memberName: 'Uma Upton' }, defaultCertificateDesign)));
    expect(text).toContain(id);
    expect(text).toContain('Uma Upton');
  });

  it('is a real PDF whose text layer carries the name, course, id and dates, accents included', async () => {
    const pdf = await renderCertificatePdf(facts, defaultCertificateDesign);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.subarray(-6).toString()).toContain('%%EOF');
    const text = normaliseSpace(pdfText(pdf));
    expect(text).toContain('Zoë Łukasiewicz-Strauß');
    expect(text).toContain('Fire safety & "evacuation" <basics> for Ørsted’s façades');
    expect(text).toContain('K7Q2-XK9P-4MZT-W3RA');
    expect(text).toContain('3 March 2026');
    expect(text).toContain('2 March 2028');
    expect(text).toContain(facts.verifyUrl);
  }, 20_000);

  it('carries the metadata: title, issuer as author, subject, keywords and the issue date', async () => {
    const info = pdfInfo(await renderCertificatePdf(facts, defaultCertificateDesign));
    expect(info.Title).toBe(`Certificate of Completion: ${facts.courseTitle}`);
    expect(info.Author).toBe('Acme Learning');
    expect(info.Subject).toContain('Zoë Łukasiewicz-Strauß');
    expect(info.Keywords).toContain('K7Q2-XK9P-4MZT-W3RA');
    expect(info.CreationDate).toMatch(/Mar\s+3 .*2026/);
    expect(info['Page size']).toContain('A4');
    expect(info.Pages).toBe('1');
  }, 20_000);

  it('writes Greek, Cyrillic and Vietnamese names too', async () => {
    const text = normaliseSpace(pdfText(await renderCertificatePdf({ ...facts, memberName: 'Αλέξανδρος Παπαδόπουλος', courseTitle: 'Охрана труда: Nguyễn Văn Đức' }, defaultCertificateDesign)));
    expect(text).toContain('Αλέξανδρος Παπαδόπουλος');
    expect(text).toContain('Охрана труда: Nguyễn Văn Đức');
  }, 20_000);

  it('keeps a 200-character course title and a long name whole, on one A4 page', async () => {
    const pdf = await renderCertificatePdf({ ...facts, courseTitle: LONG_TITLE, memberName: 'Maria Alejandra Concepción de los Ángeles Fernández-Wójcik' }, defaultCertificateDesign);
    const text = normaliseSpace(pdfText(pdf));
    expect(LONG_TITLE).toHaveLength(200);
    expect(text).toContain(LONG_TITLE);
    expect(text).toContain('Maria Alejandra Concepción de los Ángeles Fernández-Wójcik');
    expect(pdfInfo(pdf).Pages).toBe('1');
  }, 20_000);

  it('follows the design: portrait A4, logos as PNG or SVG', async () => {
    for (const logoDataUrl of [pngLogo(), svgLogo()]) {
      const pdf = await renderCertificatePdf(facts, { ...defaultCertificateDesign, orientation: 'portrait', logoDataUrl });
      const info = pdfInfo(pdf);
      expect(info['Page size']).toMatch(/^595\.\d+ x 841\.\d+ pts/);
      expect(normaliseSpace(pdfText(pdf))).toContain('K7Q2-XK9P-4MZT-W3RA');
    }
  }, 30_000);

  it('is a pure function of the facts and the design', async () => {
    const first = await renderCertificatePdf(facts, defaultCertificateDesign);
    const second = await renderCertificatePdf(facts, defaultCertificateDesign);
    expect(first.equals(second)).toBe(true);
    const renamed = await renderCertificatePdf({ ...facts, memberName: 'Ada Lovelace' }, defaultCertificateDesign);
    expect(renamed.equals(first)).toBe(false);
  }, 20_000);
});

describe('certificate SVG and PNG', () => {
  it('draws the QR code of the verification address into the SVG', async () => {
    const svg = await renderCertificateSvg(facts, defaultCertificateDesign);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('id="verification-qr"');
    expect(svg).toContain(`data-url="${facts.verifyUrl}"`);
    expect(svg).toContain(`d="${qrPath(facts.verifyUrl).d}"`);
    // satori draws text as outlines, so the wording is paths, never raw markup from the facts.
    expect(svg).not.toContain('<basics>');
  }, 20_000);

  it('renders a PNG at the requested width, 1200 px by default', async () => {
    const widthOf = (png: Buffer) => png.readUInt32BE(16);
    const preview = await renderCertificatePng(facts, defaultCertificateDesign);
    expect(preview.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(widthOf(preview)).toBe(1200);
    const small = await renderCertificatePng({ ...facts, status: 'revoked' }, defaultCertificateDesign, { width: 600 });
    expect(widthOf(small)).toBe(600);
    expect(small.readUInt32BE(20)).toBe(Math.round((600 * 595) / 842));
  }, 20_000);
});

describe('merge fields and the design schema', () => {
  it('fills every merge field and leaves unknown ones as written', () => {
    const text = fillMergeFields('{{member_name}} | {{ course_title }} | {{issue_date}} | {{expiry_date}} | {{certificate_id}} | {{issuer_name}} | {{shoe_size}}', facts);
    expect(text).toBe(`Zoë Łukasiewicz-Strauß | ${facts.courseTitle} | 3 March 2026 | 2 March 2028 | K7Q2-XK9P-4MZT-W3RA | Acme Learning | {{shoe_size}}`);
    expect(fillMergeFields('{{expiry_date}}', { ...facts, expiresOn: null })).toBe('no expiry');
    expect(mergeFieldNames).toEqual(['member_name', 'course_title', 'issue_date', 'expiry_date', 'certificate_id', 'issuer_name']);
  });

  it('accepts the default and image logos, and rejects bad colours and non-image data URLs', () => {
    expect(certificateDesignSchema.safeParse(defaultCertificateDesign).success).toBe(true);
    expect(certificateDesignSchema.safeParse({ ...defaultCertificateDesign, logoDataUrl: pngLogo() }).success).toBe(true);
    expect(certificateDesignSchema.safeParse({ ...defaultCertificateDesign, logoDataUrl: svgLogo() }).success).toBe(true);
    const rejected: Array<Partial<CertificateDesign>> = [
      { primaryColor: 'red' },
      { accentColor: '#12345' },
      { backgroundColor: '#GG0000' },
      { primaryColor: '#000000; fill: url(x)' },
      { logoDataUrl: `data:text/html;base64,${Buffer.from('<script>alert(1)</script>').toString('base64')}` },
      { logoDataUrl: 'https://example.com/logo.png' },
      { logoDataUrl: `data:image/png;base64,${Buffer.alloc(210 * 1024).toString('base64')}` },
      { logoDataUrl: `data:image/png;base64,${Buffer.from('GIF89a not a png at all, just text').toString('base64')}` },
      { logoDataUrl: `data:image/svg+xml;base64,${Buffer.from('<html><body>hi</body></html>').toString('base64')}` },
      { orientation: 'diagonal' as 'portrait' },
      { heading: '' },
    ];
    for (const change of rejected) expect(certificateDesignSchema.safeParse({ ...defaultCertificateDesign, ...change }).success, JSON.stringify(change).slice(0, 80)).toBe(false);
  });
});
