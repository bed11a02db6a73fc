import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Keys, ensureDevVars } from '../../src/cli/local-stack.ts';

/**
 * Keys of a test's own stack, in a variables file in its scratch folder (created with it): the
 * tests never read the developer's `.dev.vars`. Pass `envFile` to `startLocalStack`.
 */
export function testKeys(scratch: string): { keys: Keys; envFile: string } {
  mkdirSync(scratch, { recursive: true });
  const envFile = path.join(scratch, 'test.vars');
  return { keys: ensureDevVars(envFile).keys, envFile };
}
