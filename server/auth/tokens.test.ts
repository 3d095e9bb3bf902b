import { describe, expect, it } from 'vitest';
import { sessionTokenFromCookieHeader } from './session.ts';
import { generateToken, hashToken } from './tokens.ts';

describe('tokens', () => {
  it('are 160 random bits in base32, never repeated', () => {
    const tokens = new Set(Array.from({ length: 1000 }, generateToken));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) expect(token).toMatch(/^[a-z2-7]{32}$/);
  });

  it('hash to a stable SHA-256 hex that does not contain the token', () => {
    const token = generateToken();
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('are read from a Cookie header among other cookies', () => {
    expect(sessionTokenFromCookieHeader('theme=dark; session=abc123; other=1')).toBe('abc123');
    expect(sessionTokenFromCookieHeader('theme=dark')).toBeUndefined();
    expect(sessionTokenFromCookieHeader(undefined)).toBeUndefined();
  });
});
