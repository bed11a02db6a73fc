import { type ParseArgsConfig, parseArgs } from 'node:util';

/** An error in what the user asked for: the CLI prints its message (no stack trace) and exits 1. */
export class UserError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses `argv` strictly: an unknown flag, a missing value or a stray argument prints the
 * message and the usage on stderr and exits 2; `--help` prints the usage and exits 0.
 */
export function parseCli<T extends Options, P extends boolean = false>(usage: string, options: T, argv = process.argv.slice(2), allowPositionals?: P) {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    process.exit(0);
  }
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: (allowPositionals ?? false) as P });
  } catch (err) {
    console.error(`error: ${(err as Error).message}\n\n${usage}`);
    return process.exit(2);
  }
}

/**
 * Runs a CLI's main function: a {@link UserError} prints `error: message` and exits 1, any other
 * error is a bug and prints its stack; success exits 0 (open handles do not keep it alive).
 */
export function runCli(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof UserError ? `error: ${err.message}` : err);
      process.exit(1);
    },
  );
}
