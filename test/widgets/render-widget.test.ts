import { describe, expect, it } from 'vitest';
import type { RecommendResponse, RecommendedItem } from '../../src/serve/types.ts';
import { escapeHtml, safeUrl } from '../../src/widgets/html.ts';
import { renderWidget } from '../../src/widgets/render-widget.ts';
import { parseFragment, riskyAttributes } from './fragment.ts';

const item = (id: string, fields: Partial<RecommendedItem> = {}): RecommendedItem => ({
  id,
  title: `Product ${id}`,
  price: 12.5,
  score: 1,
  reason: 'similar to Product a',
  url: `https://shop.example/p/${id}`,
  image: `https://shop.example/img/${id}.jpg`,
  ...fields,
});
const answer = (items: RecommendedItem[], extra: Partial<RecommendResponse> = {}): RecommendResponse => ({ items, version: 'v1', rid: 'r-1', ...extra });

describe('renderWidget', () => {
  it('renders one linked card per item with the rid and item ids for the script', async () => {
    const html = renderWidget('similar', 'en', answer([item('a'), item('b')]));
    const fragment = await parseFragment(html);
    expect(fragment.rid).toBe('r-1');
    expect(fragment.items).toEqual(['a', 'b']);
    expect(riskyAttributes(fragment).urls).toEqual([
      'https://shop.example/p/a',
      'https://shop.example/img/a.jpg',
      'https://shop.example/p/b',
      'https://shop.example/img/b.jpg',
    ]);
    expect(html).toContain('Similar items');
    expect(html).toContain('>12.50<');
    expect(html).not.toContain('data-degraded');
  });

  it('escapes hostile titles, reasons, ids and the rid, and drops non-http(s) urls', async () => {
    const hostile = item('x"><script>alert(0)</script>', {
      title: '<script>alert(1)</script>',
      reason: '<img src=x onerror=alert(2)>',
      url: 'javascript:alert(3)',
      image: ' JaVaScRiPt:alert(4)',
    });
    const html = renderWidget(
      'trending',
      'en',
      answer([hostile, item('ok', { url: 'data:text/html,<b>', image: '//evil.example/x.png' })], { rid: 'r"><svg onload=alert(5)>' }),
    );
    const fragment = await parseFragment(html);
    expect(fragment.tags.filter((t) => ['script', 'img', 'svg', 'iframe'].includes(t))).toEqual([]);
    expect(riskyAttributes(fragment)).toEqual({ urls: [], handlers: [] });
    expect(fragment.rid).toBe('r"><svg onload=alert(5)>');
    expect(fragment.items).toEqual(['x"><script>alert(0)</script>', 'ok']);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).not.toMatch(/javascript:/i);
  });

  it('marks a fallback answer and an empty one (no heading over nothing), and speaks Chinese', async () => {
    const html = renderWidget('for-you', 'zh', answer([], { degraded: 'table store unavailable', version: null }));
    expect(html).toContain('data-degraded="table store unavailable"');
    expect(html).toContain('data-empty');
    expect(html).not.toContain('ep-heading');
    expect(html).not.toContain('data-version');
    expect(renderWidget('for-you', 'zh', answer([item('a')]))).toContain('为你推荐');
  });

  it('shows prices in a currency when given one, in the widget language', () => {
    expect(renderWidget('similar', 'en', answer([item('a', { price: 1234.5 })]), { currency: 'EUR' })).toContain('>€1,234.50<');
    expect(renderWidget('similar', 'zh', answer([item('a', { price: 99 })]), { currency: 'CNY' })).toContain('>¥99.00<');
    expect(renderWidget('similar', 'en', answer([item('a', { price: 5 })]))).toContain('data-price="5">5.00<');
  });
});

describe('escapeHtml and safeUrl', () => {
  it('escape every character that can end text or an attribute', () => {
    expect(escapeHtml(`<a href='x' title="y">&\``)).toBe('&lt;a href=&#39;x&#39; title=&quot;y&quot;&gt;&amp;&#96;');
  });

  it('keep only absolute http(s) urls', () => {
    expect(safeUrl('https://shop.example/p/1?a=b')).toBe('https://shop.example/p/1?a=b');
    expect(safeUrl('http://shop.example')).toBe('http://shop.example/');
    for (const bad of [
      'javascript:alert(1)',
      'java\nscript:alert(1)',
      '  javascript:alert(1)',
      'data:text/html,x',
      'vbscript:x',
      '/relative',
      '//host/x',
      '',
      null,
      undefined,
    ]) {
      expect(safeUrl(bad), String(bad)).toBeNull();
    }
  });
});
