import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseCli } from '../cli/args.ts';
import { contentIndex, type ContentIndex } from '../model/content/content-blend.ts';
import { itemVectors } from '../model/content/item-vectors.ts';
import { candidates, DEFAULT_MODEL_NAME, selectOnTraining } from './candidates.ts';
import { coldStart } from './cold-start.ts';
import { catalogConverters } from './convert/catalog.ts';
import { converters } from './convert/formats.ts';
import { evaluate } from './evaluate.ts';
import { EVENTS_CSV_HEADER, parseEventsCsv } from './events-csv.ts';
import { leaveLastOut, validationSplit } from './leave-last-out.ts';
import { formatReport } from './report.ts';
import { tune } from './tune.ts';

const USAGE = `usage:
  eval --events FILE [--protocol leave-last-out|validation] [--k 10] [--ease-max-items 1500] [--shoppers 10000]
       [--catalog-from movielens|retail --catalog PATH] [--json]
                                            with a catalog, content blends are candidates too
  eval tune --events FILE [--json]          grid search on the validation split
  eval convert --from movielens|taobao|retail|diginetica --in PATH --out FILE.csv
  eval cold-start --events FILE --catalog-from movielens|retail --catalog PATH [--share 0.1] [--json]
                                            new items: content similarity vs popularity in the shopper's categories`;

const { values, positionals } = parseCli(
  USAGE,
  {
    events: { type: 'string' },
    protocol: { type: 'string', default: 'leave-last-out' },
    k: { type: 'string', default: '10' },
    'ease-max-items': { type: 'string', default: '1500' },
    shoppers: { type: 'string', default: '10000' },
    json: { type: 'boolean', default: false },
    from: { type: 'string' },
    in: { type: 'string' },
    out: { type: 'string' },
    catalog: { type: 'string' },
    'catalog-from': { type: 'string' },
    share: { type: 'string', default: '0.1' },
  },
  process.argv.slice(2),
  true,
);

function fail(message: string): never {
  console.error(`error: ${message}\n\n${USAGE}`);
  process.exit(2);
  throw new Error(message);
}

/** A file the user named: its text, or a one-line error (no stack trace) when it cannot be read. */
function input(file: string, flag: string, encoding: BufferEncoding = 'utf8'): string {
  if (!existsSync(file)) {
    console.error(`error: ${flag} ${file}: no such file`);
    process.exit(1);
  }
  return readFileSync(file, encoding);
}

const command = positionals[0] ?? 'evaluate';
if (command === 'convert') {
  const convert = converters[values.from ?? ''];
  if (!convert) fail(`--from must be one of ${Object.keys(converters).join(', ')}`);
  if (!values.in || !values.out) fail('--in and --out are required');
  const lines = convert(input(values.in, '--in', 'latin1'));
  mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
  writeFileSync(values.out, [EVENTS_CSV_HEADER, ...lines, ''].join('\n'));
  console.error(`${lines.length} events written to ${values.out}`);
} else if (command === 'cold-start') {
  const convert = catalogConverters[values['catalog-from'] ?? ''];
  if (!convert) fail(`--catalog-from must be one of ${Object.keys(catalogConverters).join(', ')}`);
  if (!values.events || !values.catalog) fail('--events and --catalog are required');
  const events = parseEventsCsv(input(values.events, '--events'));
  const share = Number(values.share);
  if (!(share > 0 && share < 1)) fail('--share must be a number between 0 and 1');
  const report = coldStart(events, convert(input(values.catalog, '--catalog', 'latin1')), { share });
  if (values.json) console.log(JSON.stringify(report));
  else {
    console.log(`cold-start: ${report.newItems} new items, ${report.evaluated} shoppers evaluated, chance HR@10 ${report.chance.toFixed(4)}`);
    for (const [name, m] of Object.entries(report.models))
      console.log(`${name.padEnd(24)} HR@10 ${m.hitRate.toFixed(4)}  NDCG@10 ${m.ndcg.toFixed(4)}  HR@20 ${m.hitRate2k.toFixed(4)}`);
  }
} else if (command === 'evaluate' || command === 'tune') {
  if (!values.events) fail('--events is required');
  for (const flag of ['k', 'ease-max-items', 'shoppers'] as const)
    if (!/^[1-9]\d*$/.test(values[flag])) fail(`--${flag} must be a positive integer, not "${values[flag]}"`);
  const events = parseEventsCsv(input(values.events, '--events'));
  if (command === 'tune') {
    const results = tune(events);
    if (values.json) console.log(JSON.stringify(results));
    else for (const r of results) console.log(`${r.ndcg10.toFixed(4)}  ${r.hr10.toFixed(4)}  ${r.name}`);
  } else {
    const protocol = values.protocol ?? 'leave-last-out';
    if (protocol !== 'leave-last-out' && protocol !== 'validation') fail('--protocol must be leave-last-out or validation');
    const k = Number(values.k);
    if (!(k >= 1)) fail('--k must be a positive integer');
    const split = protocol === 'validation' ? validationSplit(events) : leaveLastOut(events);
    const started = performance.now();
    let content: ContentIndex | undefined;
    if (values.catalog || values['catalog-from']) {
      const convert = catalogConverters[values['catalog-from'] ?? ''];
      if (!convert) fail(`--catalog-from must be one of ${Object.keys(catalogConverters).join(', ')}`);
      if (!values.catalog) fail('--catalog is required with --catalog-from');
      content = contentIndex(itemVectors(convert(input(values.catalog, '--catalog', 'latin1'))));
    }
    const selection = selectOnTraining(split.train, {
      easeMaxItems: Number(values['ease-max-items']),
      maxShoppers: Number(values.shoppers),
      ...(content ? { content } : {}),
    });
    const selectionMs = Math.round(performance.now() - started);
    const report = evaluate(events, { protocol, split, recommenders: candidates(selection, content), defaultModel: DEFAULT_MODEL_NAME, k });
    report.selection = {
      winner: selection.name,
      choice: selection.winner,
      shoppers: selection.shoppers,
      ms: selectionMs,
      ...(selection.skipped ? { skipped: selection.skipped } : {}),
      validation: selection.candidates.map(({ name, ndcg10, hr10 }) => ({ name, ndcg10: round(ndcg10), hr10: round(hr10) })),
    };
    console.log(values.json ? JSON.stringify(report) : formatReport(report));
  }
} else fail(`unknown command ${command}`);

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
