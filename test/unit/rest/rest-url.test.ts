// Keeping the key out of every URL we print or store, and reading Retry-After.
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../core/sources/polygon/rest/rest-client.ts';
import { buildUrl, scrubKeyFromText, shortUrl, stripApiKey } from '../../../core/sources/polygon/rest/rest-url.ts';

describe('REST URLs', () => {
  it('strips apiKey in any case and position, keeping every other parameter', () => {
    expect(stripApiKey('https://api.massive.com/v3/reference/tickers?cursor=abc&apiKey=SECRET'))
      .toBe('https://api.massive.com/v3/reference/tickers?cursor=abc');
    expect(stripApiKey('https://api.massive.com/v2/x?APIKEY=SECRET&limit=5&apikey=S2')).toBe('https://api.massive.com/v2/x?limit=5');
    expect(stripApiKey('not a url ?apiKey=SECRET&x=1')).toBe('not a url ?x=1');
    expect(shortUrl('http://127.0.0.1:9/v3/reference/splits?apiKey=K&limit=2')).toBe('/v3/reference/splits?limit=2');
  });

  it('scrubs an echoed key from a body, and says when it did', () => {
    const body = '{"next_url":"https://api.massive.com/v3/x?cursor=c&apiKey=my-key-123","note":"my-key-123"}';
    const out = scrubKeyFromText(body, 'my-key-123');
    expect(out.scrubbed).toBe(true);
    expect(out.text).not.toContain('my-key-123');
    expect(out.text).toContain('cursor=c&apiKey=***');
    expect(scrubKeyFromText('{"results":[]}', 'my-key-123')).toEqual({ text: '{"results":[]}', scrubbed: false });
  });

  it('builds request URLs on a base with or without a path prefix', () => {
    expect(buildUrl('http://127.0.0.1:8080', '/v3/reference/splits', { 'execution_date.gte': '2024-03-01', limit: '10' }))
      .toBe('http://127.0.0.1:8080/v3/reference/splits?execution_date.gte=2024-03-01&limit=10');
    expect(buildUrl('https://proxy.example/polygon/', '/v2/reference/news')).toBe('https://proxy.example/polygon/v2/reference/news');
  });

  it('reads Retry-After as seconds or as an HTTP date, capped at five minutes', () => {
    const now = Date.parse('2024-04-10T14:00:00Z');
    expect(parseRetryAfter('38', now)).toBe(38_000);
    expect(parseRetryAfter(['1.5'], now)).toBe(1500);
    expect(parseRetryAfter('Wed, 10 Apr 2024 14:00:20 GMT', now)).toBe(20_000);
    expect(parseRetryAfter('86400', now)).toBe(300_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
