import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';

describe('lesson markdown', () => {
  it('renders formatting', () => {
    expect(renderMarkdown('# Safety\n\n**Wear** a *helmet*.')).toBe('<h1>Safety</h1>\n<p><strong>Wear</strong> a <em>helmet</em>.</p>\n');
  });

  it('removes scripts, event handlers and javascript: links', () => {
    const html = renderMarkdown('<script>alert(1)</script>\n\n<img src="https://x.test/a.png" onerror="alert(2)">\n\n[click](javascript:alert(3))');
    expect(html).not.toMatch(/script|onerror|javascript:/i);
    expect(html).toContain('<img src="https://x.test/a.png" />');
  });

  it('opens links in a new tab without handing over the opener', () => {
    expect(renderMarkdown('[docs](https://example.test)')).toContain('<a href="https://example.test" rel="noopener noreferrer nofollow" target="_blank">docs</a>');
  });
});
