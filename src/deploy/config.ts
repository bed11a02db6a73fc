/**
 * The deploy's edits to `wrangler.toml`, as text (comments and layout kept): the ids of an
 * environment's D1 database and KV namespace, and its queue blocks turned off or on.
 */

/** What an environment of `wrangler.toml` declares, as far as the deploy cares. */
export interface EnvResources {
  /** Worker name (`name-env`, as wrangler names an environment's Worker). */
  worker: string;
  d1: { name: string; id: string };
  kv: { id: string };
  /** The queue of the rebuild parts; undefined when the environment has none (or it is turned off). */
  queue?: string;
  /** True when the queue blocks are commented out by `--free`. */
  queueOff: boolean;
}

/** Prefix of the lines of a queue block turned off for the free plan. */
const OFF = '#free-plan# ';

/** Splits TOML text into blocks, each starting at a `[table]` or `[[array]]` header (the first has none). */
function blocks(toml: string): { header: string; lines: string[] }[] {
  const out: { header: string; lines: string[] }[] = [{ header: '', lines: [] }];
  for (const line of toml.split('\n')) {
    const header = line.replace(OFF, '').match(/^\s*\[\[?([^\]]+)\]\]?\s*$/);
    if (header) out.push({ header: header[1]!.trim(), lines: [] });
    out.at(-1)!.lines.push(line);
  }
  return out;
}

function value(lines: string[], key: string): string | undefined {
  for (const line of lines) {
    const m = line.replace(OFF, '').match(new RegExp(`^\\s*${key}\\s*=\\s*"([^"]*)"`));
    if (m) return m[1];
  }
  return undefined;
}

/** Reads an environment's resources; throws when `wrangler.toml` has no such environment. */
export function readEnv(toml: string, env: string): EnvResources {
  const all = blocks(toml);
  const name = value(all[0]!.lines, 'name');
  const of = (table: string) => all.find((b) => b.header === `env.${env}.${table}`);
  const d1 = of('d1_databases');
  const kv = of('kv_namespaces');
  if (!all.some((b) => b.header === `env.${env}`) || !d1 || !kv || !name)
    throw new Error(`wrangler.toml has no [env.${env}] with a D1 database and a KV namespace`);
  const producer = of('queues.producers');
  const queueOff = producer?.lines.some((l) => l.startsWith(OFF)) ?? false;
  return {
    worker: value(all.find((b) => b.header === `env.${env}`)!.lines, 'name') ?? `${name}-${env}`,
    d1: { name: value(d1.lines, 'database_name') ?? '', id: value(d1.lines, 'database_id') ?? '' },
    kv: { id: value(kv.lines, 'id') ?? '' },
    queue: producer && !queueOff ? value(producer.lines, 'queue') : undefined,
    queueOff,
  };
}

/** The queue an environment declares, whether on or turned off. */
export function declaredQueue(toml: string, env: string): string | undefined {
  const producer = blocks(toml).find((b) => b.header === `env.${env}.queues.producers`);
  return producer ? value(producer.lines, 'queue') : undefined;
}

/** `wrangler.toml` with an environment's D1 and KV ids set and its queue blocks on or off. */
export function writeEnv(toml: string, env: string, change: { d1Id: string; kvId: string; queueOn: boolean }): string {
  return blocks(toml)
    .map((b) => {
      if (b.header === `env.${env}.d1_databases`) return b.lines.map((l) => l.replace(/^(\s*database_id\s*=\s*)"[^"]*"/, `$1"${change.d1Id}"`));
      if (b.header === `env.${env}.kv_namespaces`) return b.lines.map((l) => l.replace(/^(\s*id\s*=\s*)"[^"]*"/, `$1"${change.kvId}"`));
      if (b.header.startsWith(`env.${env}.queues.`))
        return b.lines.map((l) => (change.queueOn ? l.replace(OFF, '') : l.startsWith(OFF) || l.trim() === '' ? l : OFF + l));
      return b.lines;
    })
    .flat()
    .join('\n');
}
