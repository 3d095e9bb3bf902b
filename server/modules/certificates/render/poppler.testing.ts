import { execFileSync } from 'node:child_process';

/**
 * Text and metadata of a PDF as poppler-utils reads it. A machine without poppler fails loudly
 * with the fix, because these checks are the point of the tests that use them.
 */
export function pdfText(pdf: Buffer, options: { layout?: boolean } = {}): string {
  return poppler('pdftotext', [...(options.layout ? ['-layout'] : []), '-enc', 'UTF-8', '-', '-'], pdf);
}

export function pdfInfo(pdf: Buffer): Record<string, string> {
  const info: Record<string, string> = {};
  for (const line of poppler('pdfinfo', ['-enc', 'UTF-8', '-'], pdf).split('\n')) {
    const match = /^([^:]+):\s*(.*)$/.exec(line);
    if (match) info[match[1].trim()] = match[2].trim();
  }
  return info;
}

/** Collapses the line breaks and runs of spaces that text extraction puts between words. */
export function normaliseSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function poppler(tool: string, args: string[], input: Buffer): string {
  try {
    return execFileSync(tool, args, { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${tool} is not installed. These tests read the PDFs with poppler-utils: install it with \`apt-get install -y poppler-utils\` (Debian/Ubuntu) or \`brew install poppler\` (macOS).`);
    }
    throw error;
  }
}
