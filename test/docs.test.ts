import { describe, expect, it } from 'vitest';
import { DOCS_CSP } from '../src/docs/api-reference.ts';
import { call } from './support/api.ts';

describe('GET /docs', () => {
  it('serves the interactive reference over /openapi.json with its own narrow policy, without a key', async () => {
    const res = await call('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(DOCS_CSP);
    const html = await res.text();
    expect(html).toContain("url: '/openapi.json'");
    expect(html).toContain('https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js');
    const doc = (await (await call('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).not.toContain('/docs');
  });
});
