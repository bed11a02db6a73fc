import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** What one wrangler command answered. */
export interface WranglerResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs wrangler commands against the account wrangler is logged into. */
export type Wrangler = (args: string[]) => WranglerResult;

/**
 * The real wrangler of `node_modules`, run with this process's Node and its output captured.
 * `EP_WRANGLER` names another script to run instead: the tests set it to the stand-in for a
 * Cloudflare account (`test/support/wrangler-stand-in.ts`), which cannot be reached from CI.
 */
export function wranglerCli(root: string, env: NodeJS.ProcessEnv = process.env): Wrangler {
  const script = env.EP_WRANGLER ?? path.join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
  return (args) => {
    const result = spawnSync(process.execPath, [script, ...args], {
      cwd: root,
      env: { ...env, WRANGLER_SEND_METRICS: 'false' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    return { status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? (result.error?.message || '') };
  };
}
