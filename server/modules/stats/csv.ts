/**
 * One CSV field (RFC 4180): quoted when it holds a quote, comma or line break. Text starting with
 * = + - @, a tab or a carriage return is prefixed with an apostrophe, so a spreadsheet shows it
 * instead of running it as a formula. Numbers are written as they are (a negative stays a number).
 * @example csvField('=SUM(A1)') // "'=SUM(A1)"; csvField('a, "b"') // '"a, ""b"""'
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = value instanceof Date ? value.toISOString() : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(fields: readonly unknown[]): string {
  return fields.map(csvField).join(',') + '\r\n';
}

/**
 * CSV text from batches of rows (a database cursor), one chunk per batch, the header first: only
 * one batch is ever held, whatever the export's size.
 * @example for await (const chunk of csvChunks(header, sql`…`.cursor(1000), toFields)) await out.write(chunk);
 */
export async function* csvChunks<Row>(header: readonly string[], batches: AsyncIterable<readonly Row[]>, fields: (row: Row) => readonly unknown[]): AsyncGenerator<string> {
  yield csvLine(header);
  for await (const batch of batches) {
    let chunk = '';
    for (const row of batch) chunk += csvLine(fields(row));
    yield chunk;
  }
}
