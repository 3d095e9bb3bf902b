import satori from 'satori';
import { fillMergeFields, formatCertificateDate, type CertificateDesign, type CertificateFacts } from './design.ts';
import { SANS_FAMILY, SERIF_FAMILY, satoriFonts } from './fonts.ts';
import { qrSvgGroup } from './qr.ts';

/** Page sizes in PDF points (A4); the SVG uses the same units so the PDF needs no scaling. */
export const PAGE = {
  landscape: { width: 842, height: 595 },
  portrait: { width: 595, height: 842 },
} as const;

/** Distances from the page edge to the frame's content, shared by layout and QR placement. */
const OUTER_PADDING = 18;
const FRAME_BORDER = 3;
const FRAME_PADDING_X = 40;
const FRAME_PADDING_Y = 28;
const QR_SIDE = 74;
export const QR_COLOUR = '#111111';

type Style = Record<string, string | number>;
interface Node {
  type: string;
  props: { style?: Style; children?: Array<Node | string> | Node | string; [key: string]: unknown };
}

function el(type: string, style: Style, children?: Array<Node | string | null | false> | string, extra: Record<string, unknown> = {}): Node {
  const kids = Array.isArray(children) ? (children.filter(Boolean) as Array<Node | string>) : children;
  return { type, props: { style, ...(kids === undefined ? {} : { children: kids }), ...extra } };
}

/**
 * Shrinks a font size for long text: full size up to `fitsAt` characters, then by the square
 * root of the excess (text wraps onto more lines as well), never below `min`.
 * sizeFor('Ada Lovelace', 40, 26, 16) === 40; sizeFor('x'.repeat(104), 40, 26, 16) === 20
 */
export function sizeFor(text: string, full: number, fitsAt: number, min: number): number {
  const length = [...text].length;
  if (length <= fitsAt) return full;
  return Math.max(min, Math.round(full * Math.sqrt(fitsAt / length) * 10) / 10);
}

const STATUS_WORDS: Record<string, string> = { revoked: 'REVOKED', expired: 'EXPIRED', replaced: 'REPLACED' };

/** The certificate as an element tree for satori (plain objects, no JSX). */
function certificateTree(facts: CertificateFacts, design: CertificateDesign): Node {
  const { width, height } = PAGE[design.orientation];
  const landscape = design.orientation === 'landscape';
  const body = fillMergeFields(design.body, facts);
  const heading = fillMergeFields(design.heading, facts);
  const muted = '#4A4A4A';

  const label = (text: string) => el('div', { fontSize: 7.5, letterSpacing: 1.2, color: muted, fontWeight: 700 }, text.toUpperCase());
  const value = (text: string) => el('div', { fontSize: 10, color: '#1B1B1B', marginBottom: 6, wordBreak: 'break-all' }, text);

  const facts_ = el('div', { display: 'flex', flexDirection: 'column', width: landscape ? 190 : 150 }, [
    label('Issued'),
    value(formatCertificateDate(facts.issuedOn)),
    facts.expiresOn ? label('Valid until') : null,
    facts.expiresOn ? value(formatCertificateDate(facts.expiresOn)) : null,
    label('Certificate ID'),
    value(facts.certificateId),
  ]);

  const signatory = design.signatoryName || facts.issuerName;
  const signature = el('div', { display: 'flex', flexDirection: 'column', alignItems: 'center', flex: 1, paddingLeft: 12, paddingRight: 12 }, [
    el('div', { fontFamily: SERIF_FAMILY, fontWeight: 600, fontSize: sizeFor(signatory, 15, 28, 9), color: '#1B1B1B', textAlign: 'center', marginBottom: 4 }, signatory),
    el('div', { width: '100%', height: 1, backgroundColor: design.primaryColor, marginBottom: 4 }),
    el('div', { fontSize: 9, color: muted, textAlign: 'center' }, design.signatoryName ? design.signatoryTitle || facts.issuerName : 'Issuer'),
  ]);

  // The QR square itself is drawn after satori (see renderCertificateSvg); this column keeps
  // its place free and prints the address beside it.
  const verify = el('div', { display: 'flex', alignItems: 'flex-end', justifyContent: 'flex-end', width: landscape ? 230 : 170 }, [
    el('div', { display: 'flex', flexDirection: 'column', alignItems: 'flex-end', flex: 1, marginRight: 8 }, [
      label('Verify'),
      el('div', { fontSize: 6.5, color: muted, textAlign: 'right', wordBreak: 'break-all' }, facts.verifyUrl),
    ]),
    el('div', { width: QR_SIDE, height: QR_SIDE, flexShrink: 0 }),
  ]);

  const status = facts.status && facts.status !== 'valid' ? STATUS_WORDS[facts.status] : null;

  return el(
    'div',
    { width, height, display: 'flex', backgroundColor: design.backgroundColor, padding: OUTER_PADDING, boxSizing: 'border-box', fontFamily: SANS_FAMILY, position: 'relative' },
    [
      el('div', { display: 'flex', flexDirection: 'column', alignItems: 'center', flex: 1, border: `${FRAME_BORDER}px solid ${design.accentColor}`, padding: `${FRAME_PADDING_Y}px ${FRAME_PADDING_X}px`, boxSizing: 'border-box', position: 'relative' }, [
        el('div', { position: 'absolute', top: 5, left: 5, right: 5, bottom: 5, border: `1px solid ${design.primaryColor}` }),
        design.logoDataUrl ? el('img', { height: 44, maxWidth: 220, objectFit: 'contain', marginBottom: 8 }, undefined, { src: design.logoDataUrl, height: 44 }) : null,
        el('div', { fontSize: 10, letterSpacing: 3, color: design.accentColor, fontWeight: 700, textAlign: 'center', marginBottom: 10 }, facts.issuerName.toUpperCase()),
        el('div', { fontFamily: SERIF_FAMILY, fontWeight: 600, fontSize: sizeFor(heading, landscape ? 34 : 28, 28, 16), color: design.primaryColor, textAlign: 'center' }, heading),
        el('div', { width: 80, height: 2, backgroundColor: design.accentColor, marginTop: 12, marginBottom: 16 }),
        el('div', { flex: 1, maxHeight: landscape ? 12 : 120 }),
        el('div', { fontSize: 11, color: muted, marginBottom: 6 }, 'Presented to'),
        el('div', { fontFamily: SERIF_FAMILY, fontWeight: 600, fontSize: sizeFor(facts.memberName, landscape ? 40 : 32, landscape ? 26 : 20, 16), color: '#1B1B1B', textAlign: 'center', wordBreak: 'break-word', marginBottom: 12 }, facts.memberName),
        el('div', { fontSize: sizeFor(body, landscape ? 16 : 14, landscape ? 110 : 80, 9.5), color: '#2B2B2B', textAlign: 'center', lineHeight: 1.45, maxWidth: landscape ? 640 : 440, wordBreak: 'break-word' }, body),
        el('div', { flex: 1 }),
        el('div', { display: 'flex', width: '100%', alignItems: 'flex-end', justifyContent: 'space-between' }, [facts_, signature, verify]),
      ]),
      status
        ? el('div', { position: 'absolute', top: 0, left: 0, width, height, display: 'flex', alignItems: 'center', justifyContent: 'center' }, [
            el('div', { fontSize: landscape ? 110 : 90, fontWeight: 700, color: '#C62828', opacity: 0.16, transform: 'rotate(-24deg)', letterSpacing: 8 }, status),
          ])
        : null,
    ],
  );
}

/** Where the QR square sits: the bottom-right corner of the frame's content box. */
function qrPosition(orientation: CertificateDesign['orientation']): { x: number; y: number } {
  const { width, height } = PAGE[orientation];
  const inset = (padding: number) => OUTER_PADDING + FRAME_BORDER + padding;
  return { x: width - inset(FRAME_PADDING_X) - QR_SIDE, y: height - inset(FRAME_PADDING_Y) - QR_SIDE };
}

/** satori's artwork (text as outlines) and where the verification QR code goes on it. */
export async function renderCertificateArtwork(facts: CertificateFacts, design: CertificateDesign): Promise<{ svg: string; qr: { x: number; y: number; side: number } }> {
  const { width, height } = PAGE[design.orientation];
  // satori's types want a React node; plain { type, props } objects are what it reads.
  const svg = await satori(certificateTree(facts, design) as unknown as Parameters<typeof satori>[0], { width, height, fonts: satoriFonts() });
  return { svg, qr: { ...qrPosition(design.orientation), side: QR_SIDE } };
}

/** The certificate as SVG: the artwork with the QR code to the verification page drawn in. */
export async function renderCertificateSvg(facts: CertificateFacts, design: CertificateDesign): Promise<string> {
  const { svg, qr } = await renderCertificateArtwork(facts, design);
  const closing = svg.lastIndexOf('</svg>');
  return svg.slice(0, closing) + qrSvgGroup(facts.verifyUrl, qr.x, qr.y, qr.side, QR_COLOUR) + svg.slice(closing);
}
