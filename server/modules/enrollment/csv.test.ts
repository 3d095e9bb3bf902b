import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';

describe('parseCsv', () => {
  it('reads quoted fields with commas, escaped quotes and line breaks, CRLF or LF', () => {
    expect(parseCsv('name,email\r\n"Doe, Jane","j@x.test"\n"Say ""hi""\nthere",k@x.test\n')).toEqual([
      ['name', 'email'],
      ['Doe, Jane', 'j@x.test'],
      ['Say "hi"\nthere', 'k@x.test'],
    ]);
  });

  it('takes the delimiter from the header line and drops a byte-order mark', () => {
    expect(parseCsv('\uFEFFemail;name\na@x.test;A')).toEqual([['email', 'name'], ['a@x.test', 'A']]);
    expect(parseCsv('email\tname\na@x.test\tA')).toEqual([['email', 'name'], ['a@x.test', 'A']]);
  });

  it('keeps blank lines as empty records so row numbers match the spreadsheet', () => {
    expect(parseCsv('email\n\na@x.test')).toEqual([['email'], [''], ['a@x.test']]);
  });
});
