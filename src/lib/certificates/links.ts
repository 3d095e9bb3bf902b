/**
 * A certificate's download address on the site the person is using. The API names downloads
 * with absolute URLs built from the configured public address (right in emails and QR codes);
 * in the browser the same path on the current origin always reaches this server, even when the
 * public address is a proxy's or is not configured.
 *
 * @example onThisSite('https://learn.example.com/api/public/certificates/abc/pdf') // '/api/public/certificates/abc/pdf'
 */
export function onThisSite(url: string): string {
  try {
    const parsed = new URL(url, window.location.origin);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}
