import type {} from 'pdfkit';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import * as fontkit from 'fontkit';

/**
 * The typefaces of certificates and reports, read once per process from npm font packages
 * (never fetched at render time). Fontsource ships each Unicode subset as its own file; satori
 * uses one font per family and weight, so each subset gets its own family name ("Inter" for
 * latin, "Inter latin-ext", ...) and styles list them all. pdfkit cannot fall back between fonts,
 * so PDF text is split into runs by which subset has the glyph (see `fontRuns`).
 */
export type Typeface = 'sans' | 'sansBold' | 'serif';

type Subset = 'latin' | 'latin-ext' | 'cyrillic' | 'cyrillic-ext' | 'greek' | 'greek-ext' | 'vietnamese';

interface FontFile {
  typeface: Typeface;
  family: string;
  weight: 400 | 600 | 700;
  subset: Subset;
  data: Buffer;
  glyphs: fontkit.Font;
}

const SANS_SUBSETS: Subset[] = ['latin', 'latin-ext', 'cyrillic', 'cyrillic-ext', 'greek', 'greek-ext', 'vietnamese'];
const SERIF_SUBSETS: Subset[] = ['latin', 'latin-ext', 'cyrillic', 'cyrillic-ext', 'vietnamese'];

/** "Inter" for latin, "Inter latin-ext" and so on for the other subsets. */
const familyName = (base: string, subset: Subset) => (subset === 'latin' ? base : `${base} ${subset}`);

/** Lora has no Greek, so serif text falls back to Inter's subsets after its own. */
export const SANS_FAMILY = SANS_SUBSETS.map((subset) => familyName('Inter', subset)).join(', ');
export const SERIF_FAMILY = [...SERIF_SUBSETS.map((subset) => familyName('Lora', subset)), SANS_FAMILY].join(', ');

/** Where pdfkit text in a typeface looks once its own subsets lack a glyph. */
const FALLBACK: Record<Typeface, Typeface | null> = { sans: null, sansBold: null, serif: 'sansBold' };

const SOURCES: Array<Omit<FontFile, 'data' | 'glyphs'> & { pkg: string; file: string }> = [
  ...SANS_SUBSETS.flatMap((subset) =>
    ([['sans', 400], ['sansBold', 700]] as const).map(([typeface, weight]) => ({ typeface, family: familyName('Inter', subset), weight, subset, pkg: '@fontsource/inter', file: `inter-${subset}-${weight}-normal.woff` })),
  ),
  ...SERIF_SUBSETS.map((subset) => ({ typeface: 'serif' as const, family: familyName('Lora', subset), weight: 600 as const, subset, pkg: '@fontsource/lora', file: `lora-${subset}-600-normal.woff` })),
];

let loaded: FontFile[] | null = null;

function fontFiles(): FontFile[] {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  loaded = SOURCES.map(({ pkg, file, ...font }) => {
    // Unpacked once: fontkit and satori would otherwise inflate the WOFF tables in JavaScript
    // on every document, which costs more than drawing the certificate.
    const data = woffToSfnt(readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), 'files', file)));
    return { ...font, data, glyphs: fontkit.create(data) as fontkit.Font };
  });
  return loaded;
}

type SatoriFont = { name: string; data: Buffer; weight: 400 | 600 | 700; style: 'normal' };
let satoriFontList: SatoriFont[] | null = null;

/** Fonts in satori's shape: the same array every render, so satori can reuse what it parsed. */
export function satoriFonts(): SatoriFont[] {
  satoriFontList ??= fontFiles().map((font) => ({ name: font.family, data: font.data, weight: font.weight, style: 'normal' as const }));
  return satoriFontList;
}

/**
 * WOFF 1.0 -> plain TrueType/OpenType (sfnt): the same tables, zlib-inflated natively.
 * Layout per the WOFF spec: 44-byte header, 20-byte directory entries (tag, offset, compLength,
 * origLength, origChecksum); the sfnt gets a 12-byte offset table and 16-byte table records.
 */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.toString('latin1', 0, 4) !== 'wOFF') return woff;
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables = Array.from({ length: numTables }, (_, i) => {
    const entry = 44 + i * 20;
    const offset = woff.readUInt32BE(entry + 4);
    const compLength = woff.readUInt32BE(entry + 8);
    const origLength = woff.readUInt32BE(entry + 12);
    const raw = woff.subarray(offset, offset + compLength);
    return { tag: woff.readUInt32BE(entry), checksum: woff.readUInt32BE(entry + 16), data: compLength < origLength ? inflateSync(raw) : raw };
  });
  const power = 2 ** Math.floor(Math.log2(numTables));
  const header = Buffer.alloc(12 + numTables * 16);
  header.writeUInt32BE(flavor, 0);
  header.writeUInt16BE(numTables, 4);
  header.writeUInt16BE(power * 16, 6);
  header.writeUInt16BE(Math.log2(power), 8);
  header.writeUInt16BE(numTables * 16 - power * 16, 10);
  const parts: Buffer[] = [header];
  let offset = header.length;
  tables.forEach((table, i) => {
    const record = 12 + i * 16;
    header.writeUInt32BE(table.tag, record);
    header.writeUInt32BE(table.checksum, record + 4);
    header.writeUInt32BE(offset, record + 8);
    header.writeUInt32BE(table.data.length, record + 12);
    const padded = Buffer.alloc((table.data.length + 3) & ~3);
    table.data.copy(padded);
    parts.push(padded);
    offset += padded.length;
  });
  return Buffer.concat(parts);
}

/** The pdfkit font name of one subset file, e.g. "sans-latin-ext". */
function pdfFontName(font: FontFile): string {
  return `${font.typeface}-${font.subset}`;
}

/**
 * Registers every subset with a pdfkit document as a per-document view of the font parsed once
 * per process (`documentFont`).
 */
export function registerPdfFonts(doc: PDFKit.PDFDocument): void {
  for (const font of fontFiles()) doc.registerFont(pdfFontName(font), documentFont(font.glyphs) as unknown as Buffer);
}

/**
 * A document's own view of a shared parsed font. Its tables stay shared (fontkit binds each
 * table's lazy parser to the font it was created for, so they are decoded once per process), but
 * the glyph cache and the layout and cmap engines built on it are the view's own: fontkit caches
 * each glyph with the code points it was first laid out for, and pdfkit writes those into the
 * text layer, so a cache shared between documents made a "U" after a "Ü" read wrongly. Parsing
 * the font per document instead costs about a third of a certificate's rendering time.
 */
function documentFont(shared: fontkit.Font): fontkit.Font {
  const view = Object.create(shared) as fontkit.Font & { _glyphs: Record<number, unknown> };
  view._glyphs = {};
  return view;
}

/**
 * Splits text into runs that one subset font can draw each, latin first.
 * fontRuns('Łódź', 'sans') -> [{ font: 'sans-latin-ext', text: 'Ł' }, { font: 'sans-latin', text: 'ó' }, ...]
 * Characters no subset has go to the latin font (they print as its missing-glyph box).
 */
export function fontRuns(text: string, typeface: Typeface): Array<{ font: string; text: string }> {
  const fallback = FALLBACK[typeface];
  const candidates = [...fontFiles().filter((font) => font.typeface === typeface), ...fontFiles().filter((font) => font.typeface === fallback)];
  const runs: Array<{ font: string; text: string }> = [];
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    // Spaces belong to whichever run they are in, so words stay in one run where possible.
    const chosen = codePoint === 32 && runs.length > 0 ? null : candidates.find((font) => font.glyphs.hasGlyphForCodePoint(codePoint)) ?? candidates[0];
    const name = chosen ? pdfFontName(chosen) : runs[runs.length - 1].font;
    const last = runs[runs.length - 1];
    if (last && last.font === name) last.text += char;
    else runs.push({ font: name, text: char });
  }
  return runs;
}
