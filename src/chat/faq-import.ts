/**
 * Bulk FAQ import from JSON lines or CSV. Every line is validated; one bad
 * line rejects the whole import, naming the line and the field.
 *
 * CSV columns (header required): `id,question,alternatives,answer,tags,lang,enabled`;
 * `alternatives` and `tags` are separated by `|`, `enabled` is `true`/`false`
 * (default true).
 */
import { parseCsvRecords } from './csv.ts';
import { FaqInputSchema, type FaqInput } from './faq-schema.ts';

/** Most entries one import may carry. */
export const MAX_IMPORT_ENTRIES = 5000;

/** The outcome of parsing an import. */
export type FaqImport = { ok: true; entries: FaqInput[] } | { ok: false; field: string; message: string };

/**
 * Parses and validates an import body.
 *
 * @example parseFaqImport('{"id":"a","question":"Q?","answer":"A.","lang":"en"}', 'jsonl')
 */
export function parseFaqImport(body: string, format: 'jsonl' | 'csv'): FaqImport {
  const raw: unknown[] = [];
  const lineOf: number[] = [];
  if (format === 'jsonl') {
    const lines = body.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '') continue;
      try {
        raw.push(JSON.parse(line));
        lineOf.push(i + 1);
      } catch {
        return { ok: false, field: `lines.${i + 1}`, message: 'is not valid JSON' };
      }
    }
  } else {
    for (const record of parseCsvRecords(body)) {
      raw.push(fromCsv(record));
      lineOf.push(raw.length + 1);
    }
  }
  if (raw.length === 0) return { ok: false, field: 'body', message: 'holds no FAQ entries' };
  if (raw.length > MAX_IMPORT_ENTRIES) return { ok: false, field: 'body', message: `holds more than ${MAX_IMPORT_ENTRIES} entries` };
  const entries: FaqInput[] = [];
  for (let i = 0; i < raw.length; i++) {
    const parsed = FaqInputSchema.safeParse(raw[i]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const row = lineOf[i]!;
      return { ok: false, field: ['lines', row, ...(issue?.path ?? [])].map(String).join('.'), message: issue?.message ?? 'is invalid' };
    }
    entries.push(parsed.data);
  }
  return { ok: true, entries };
}

function fromCsv(record: Record<string, string>): Record<string, unknown> {
  const list = (value: string | undefined) =>
    (value ?? '')
      .split('|')
      .map((s) => s.trim())
      .filter(Boolean);
  return {
    id: record.id,
    question: record.question,
    alternatives: list(record.alternatives),
    answer: record.answer,
    tags: list(record.tags),
    lang: record.lang,
    enabled: record.enabled === undefined || record.enabled.trim() === '' ? true : record.enabled.trim().toLowerCase() === 'true',
  };
}
