import { describe, expect, it } from 'vitest';
import { loadConfig, publicUrl } from './config.ts';

describe('configuration', () => {
  it('has working defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, SERVER_ROLE: 'all', SESSION_DAYS: 30, TRUST_PROXY: false });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(publicUrl(config)).toBe('http://localhost:3000');
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ DATABASE_URL: '', SMTP_URL: '' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.SMTP_URL).toBeUndefined();
  });

  it('names every bad variable in one error', () => {
    expect(() => loadConfig({ PORT: 'eighty', SERVER_ROLE: 'boss' })).toThrow(/PORT.*SERVER_ROLE|SERVER_ROLE.*PORT/);
  });
});
