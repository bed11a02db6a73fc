import type { IoClock } from '../serve/io-clock.ts';

const originals = new WeakMap<D1PreparedStatement, D1PreparedStatement>();
const WAITS = new Set<PropertyKey>(['first', 'all', 'run', 'raw']);

function timedStatement(statement: D1PreparedStatement, clock: IoClock): D1PreparedStatement {
  const timed = new Proxy(statement, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (prop === 'bind') return (...params: unknown[]) => timedStatement(target.bind(...params), clock);
      if (WAITS.has(prop) && typeof value === 'function') return (...args: unknown[]) => clock.wait(value.apply(target, args) as Promise<unknown>);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  originals.set(timed, statement);
  return timed;
}

/**
 * A D1 binding whose queries count as I/O on the clock, so a handler can report its own CPU
 * (`Server-Timing`) as wall time minus D1 waits. Batches get the real statements back.
 *
 * @example
 * const clock = ioClock();
 * const db = openDatabase(timedD1(env.DB, clock));
 */
export function timedD1(d1: D1Database, clock: IoClock): D1Database {
  return new Proxy(d1, {
    get(target, prop) {
      if (prop === 'prepare') return (query: string) => timedStatement(target.prepare(query), clock);
      if (prop === 'batch') return (statements: D1PreparedStatement[]) => clock.wait(target.batch(statements.map((s) => originals.get(s) ?? s)));
      if (prop === 'exec') return (query: string) => clock.wait(target.exec(query));
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
