/**
 * FAQ matching evaluation.
 *
 *   npm run -s eval:faq -- --faqs FAQS.jsonl --queries QUERIES.jsonl [--json] [--no-synonyms] [--tuning JSON]
 *     [--target PRECISION (0.9)] [--calib DIR (the same shop's labelled calibration/dev split)]
 *     (the row at the target also prints `ceiling`: the most in-scope queries any threshold answers there at that precision)
 *   npm run -s eval:faq -- convert --from bitext|atec|clinc150 --in PATH --out-dir DIR [--split test|calib|dev|all|oos-train]
 *     (bitext: test|dev|all; atec: test|calib; clinc150: test|calib|oos-train)
 *   npm run -s eval:faq -- calibrate --set DIR [--set DIR ...] [--tuning JSON] [--measure DIR ...]
 *     (--measure: the sets measured with the refitted model and thresholds, e.g. for a tuning tried, and each set's
 *     `ceiling`: the most in-scope queries any threshold would answer there at 90% precision, a diagnostic)
 *   npm run -s eval:faq -- replay --set DIR [--shares 0,0.1,0.25,0.5,1]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CALIBRATION } from '../confidence.ts';
import { calibrate, coverageCeiling, measureCalibrated } from './calibrate.ts';
import { replayCurve } from './replay.ts';
import { convertAtec, convertBitext, convertClinc, type EvalSet } from './convert.ts';
import { engineMetrics, indexOf, searchAll, tfidfMetrics, thresholdsForTarget } from './run.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    faqs: { type: 'string' },
    queries: { type: 'string' },
    json: { type: 'boolean', default: false },
    from: { type: 'string' },
    in: { type: 'string' },
    'out-dir': { type: 'string' },
    split: { type: 'string', default: 'test' },
    set: { type: 'string', multiple: true },
    measure: { type: 'string', multiple: true },
    tuning: { type: 'string' },
    'no-synonyms': { type: 'boolean', default: false },
    target: { type: 'string', default: '0.9' },
    calib: { type: 'string' },
    shares: { type: 'string', default: '0,0.1,0.25,0.5,1' },
  },
});

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

function readSet(faqs: string, queries: string): EvalSet {
  return { faqs: readJsonl(faqs), queries: readJsonl(queries) };
}

function readDir(dir: string): EvalSet {
  return readSet(path.join(dir, 'faqs.jsonl'), path.join(dir, 'queries.jsonl'));
}

function fail(message: string): never {
  console.error(message);
  return process.exit(2) as never;
}

const command = positionals[0] ?? 'eval';
if (command === 'convert') {
  const input = values.in ?? fail('--in PATH is required');
  const outDir = values['out-dir'] ?? fail('--out-dir DIR is required');
  const split = values.split ?? 'test';
  const known: Record<string, string[]> = { bitext: ['test', 'dev', 'all'], atec: ['test', 'calib'], clinc150: ['test', 'calib', 'oos-train'] };
  if (!(known[values.from ?? '']?.includes(split) ?? true)) fail(`--split ${split} is not available for ${values.from} (${known[values.from!]!.join('|')})`);
  const text = readFileSync(input, 'utf8');
  const converters: Record<string, () => EvalSet> = {
    bitext: () => convertBitext(text, split as 'test' | 'dev' | 'all'),
    atec: () => convertAtec(text, split as 'test' | 'calib'),
    clinc150: () => convertClinc(text, split as 'test' | 'calib' | 'oos-train'),
  };
  const convert = converters[values.from ?? ''];
  if (!convert) fail('--from bitext|atec|clinc150 is required');
  const set = convert();
  mkdirSync(outDir, { recursive: true });
  const lines = (rows: unknown[]) => rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
  writeFileSync(path.join(outDir, 'faqs.jsonl'), lines(set.faqs));
  writeFileSync(path.join(outDir, 'queries.jsonl'), lines(set.queries));
  console.log(`${set.faqs.length} FAQ entries, ${set.queries.length} queries -> ${outDir}`);
} else if (command === 'calibrate') {
  const dirs = values.set ?? fail('--set DIR (one or more) is required');
  const tuning = values.tuning ? JSON.parse(values.tuning) : undefined;
  const fitted = calibrate(dirs.map(readDir), tuning);
  console.log(JSON.stringify(fitted));
  for (const dir of values.measure ?? []) console.log(JSON.stringify({ set: dir, ...measureCalibrated(readDir(dir), fitted, tuning) }));
} else if (command === 'replay') {
  const [dir] = values.set ?? fail('--set DIR is required');
  const curve = replayCurve(readDir(dir!), values.shares!.split(',').map(Number));
  if (values.json) console.log(JSON.stringify(curve));
  else console.table(curve);
} else {
  const set = readSet(values.faqs ?? fail('--faqs FILE is required'), values.queries ?? fail('--queries FILE is required'));
  const index = indexOf(set, values['no-synonyms'] ? [] : undefined);
  const tuning = values.tuning ? JSON.parse(values.tuning) : undefined;
  const results = searchAll(index, set, tuning);
  const engine = engineMetrics(index, set, results);
  const target = Number(values.target);
  if (!(target > 0 && target < 1)) fail('--target must be a precision between 0 and 1');
  const { thresholds, fit } = thresholdsForTarget(target, values.calib ? readDir(values.calib) : undefined);
  const ceiling = coverageCeiling(index, set, results, CALIBRATION, target);
  const atTarget = { ...engineMetrics(index, set, results, thresholds), threshold: thresholds.answer, calibCoverage: fit?.coverage ?? null, ceiling };
  const report = {
    faqs: set.faqs.length,
    queries: set.queries.length,
    target,
    systems: { engine, [`engine@${target}${values.calib ? ' (shop calib)' : ''}`]: atTarget, tfidf: tfidfMetrics(set) },
  };
  if (values.json) console.log(JSON.stringify(report));
  else {
    console.log(`${report.faqs} FAQ entries, ${report.queries} queries`);
    console.table(report.systems);
  }
}
