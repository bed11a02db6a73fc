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
 *     `ceiling`: the most in-scope queries any threshold would answer there at 90% precision, a diagnostic; and
 *     `handoffRules`: each handoff rule, including the threshold from held-out FAQ entries, applied to fused searches)
 *   npm run -s eval:faq -- replay --set DIR [--shares 0,0.1,0.25,0.5,1]
 *   --vectors PREFIX [--fusion JSON] (eval and calibrate): also the semantic channel, from a vector file computed
 *     beforehand by a real embedding model (`vector-file.ts`, a STAND-IN for Workers AI); a set whose texts the
 *     file does not all hold stays lexical. calibrate then fits and measures both channels in the same run.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CALIBRATION } from '../confidence.ts';
import { calibrate, coverageCeiling, measureCalibrated } from './calibrate.ts';
import { replayCurve } from './replay.ts';
import { convertAtec, convertBitext, convertClinc, type EvalSet } from './convert.ts';
import { engineMetrics, indexOf, searchAll, searchSet, tfidfMetrics, thresholdsForTarget, type EvalSearch } from './run.ts';
import { DEFAULT_FUSION } from '../semantic/fusion.ts';
import { missingTexts, readVectorFile, tableEmbedder } from './vector-file.ts';

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
    vectors: { type: 'string' },
    fusion: { type: 'string' },
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

const table = values.vectors ? readVectorFile(values.vectors) : null;
const fusion = { ...DEFAULT_FUSION, ...(values.fusion ? JSON.parse(values.fusion) : {}) };

/** The search of a set: lexical, or with the semantic channel when the vector file holds all of the set's texts. */
function searchOf(set: EvalSet, name: string, semantic: boolean, tuning?: EvalSearch['tuning']): EvalSearch {
  if (!semantic || !table) return { tuning };
  const missing = missingTexts(table, set);
  if (missing.length === 0) return { tuning, semantic: { embedder: tableEmbedder(table), fusion } };
  console.error(`${name}: ${missing.length} texts have no vector in ${values.vectors} (e.g. ${JSON.stringify(missing[0])}); lexical only`);
  return { tuning };
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
  const sets = dirs.map(readDir);
  const measured = (values.measure ?? []).map((dir) => ({ dir, set: readDir(dir) }));
  for (const semantic of table ? [false, true] : [false]) {
    const channel = semantic ? { channel: 'lexical+semantic', model: table!.model, fusion } : {};
    const fitted = await calibrate(
      sets,
      sets.map((set, i) => searchOf(set, dirs[i]!, semantic, tuning)),
    );
    console.log(JSON.stringify({ ...channel, ...fitted }));
    for (const { dir, set } of measured) {
      const search = searchOf(set, dir, semantic, tuning);
      console.log(JSON.stringify({ set: dir, ...channel, semantic: Boolean(search.semantic), ...(await measureCalibrated(set, fitted, search)) }));
    }
  }
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
  const { thresholds, fit } = await thresholdsForTarget(target, values.calib ? readDir(values.calib) : undefined);
  const semanticSearch = searchOf(set, values.queries!, true, tuning);
  const semantic = semanticSearch.semantic ? { 'engine+semantic': engineMetrics(index, set, await searchSet(index, set, semanticSearch)) } : {};
  const ceiling = coverageCeiling(index, set, results, CALIBRATION, target);
  const atTarget = { ...engineMetrics(index, set, results, thresholds), threshold: thresholds.answer, calibCoverage: fit?.coverage ?? null, ceiling };
  const report = {
    faqs: set.faqs.length,
    queries: set.queries.length,
    target,
    systems: { engine, [`engine@${target}${values.calib ? ' (shop calib)' : ''}`]: atTarget, ...semantic, tfidf: tfidfMetrics(set) },
  };
  if (values.json) console.log(JSON.stringify(report));
  else {
    console.log(`${report.faqs} FAQ entries, ${report.queries} queries`);
    console.table(report.systems);
  }
}
