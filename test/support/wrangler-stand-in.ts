/**
 * A STAND-IN for wrangler talking to a Cloudflare account, which CI cannot reach. It answers the
 * commands `npm run deploy` runs from a JSON file (WRANGLER_STAND_IN_STATE) in the shapes the
 * real wrangler prints, keeps what they create there, and logs every command line to
 * WRANGLER_STAND_IN_LOG (one JSON array per line). Selected by EP_WRANGLER.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

/** The stand-in account. */
export interface StandInAccount {
  loggedIn: boolean;
  accounts: { name: string; id: string }[];
  d1: { uuid: string; name: string }[];
  kv: { id: string; title: string }[];
  queues: string[];
  /** Worker name -> secret names. */
  workers: Record<string, string[]>;
  /** Environments whose migrations were applied, in order. */
  migrated: string[];
  /** What `deploy` prints as the Worker's URL. */
  deployUrl: string;
}

const statePath = process.env.WRANGLER_STAND_IN_STATE!;
const args = process.argv.slice(2);
appendFileSync(process.env.WRANGLER_STAND_IN_LOG!, `${JSON.stringify(args)}\n`);
const state = JSON.parse(readFileSync(statePath, 'utf8')) as StandInAccount;
const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const save = () => writeFileSync(statePath, JSON.stringify(state, null, 2));
const fail = (message: string) => {
  process.stderr.write(`✘ [ERROR] ${message}\n`);
  process.exit(1);
};
const id = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
const worker = `edge-personalize-${flag('--env')}`;
const valued = new Set(['--config', '--env', '--format', '--secrets-file']);
const command = args.filter((a: string, i: number) => !a.startsWith('-') && !valued.has(args[i - 1] ?? ''));

if (!state.loggedIn) fail('Not logged in.');
switch (command.slice(0, 2).join(' ')) {
  case 'whoami':
    console.log(JSON.stringify({ loggedIn: true, authType: 'OAuth Token', email: 'shop@example.com', accounts: state.accounts }));
    break;
  case 'd1 list':
    console.log(JSON.stringify(state.d1, null, 2));
    break;
  case 'd1 create': {
    const db = { uuid: `${id(8)}-${id(4)}-${id(4)}-${id(4)}-${id(12)}`, name: command[2]! };
    state.d1.push(db);
    save();
    console.log(
      `✅ Successfully created DB '${db.name}'\n{\n  "d1_databases": [{ "binding": "DB", "database_name": "${db.name}", "database_id": "${db.uuid}" }]\n}`,
    );
    break;
  }
  case 'kv namespace':
    if (command[2] === 'list') console.log(JSON.stringify(state.kv, null, 2));
    else {
      const title = command[3]!;
      if (state.kv.some((n) => n.title === title)) fail('A namespace with this account ID and title already exists [code: 10014]');
      state.kv.push({ id: id(32), title });
      save();
      console.log(`🌀 Creating namespace with title "${title}"\n✨ Success!`);
    }
    break;
  case 'queues info':
    if (!state.queues.includes(command[2]!)) fail(`Queue "${command[2]}" does not exist. [code: 11000]`);
    console.log(`Queue Name: ${command[2]}`);
    break;
  case 'queues create':
    if (state.queues.includes(command[2]!)) fail('A queue with this name already exists [code: 11009]');
    state.queues.push(command[2]!);
    save();
    console.log(`✅ Created queue ${command[2]}.`);
    break;
  case 'd1 migrations':
    state.migrated.push(flag('--env')!);
    save();
    console.log('✅ Applied migrations');
    break;
  case 'secret list':
    if (!state.workers[worker]) fail(`This Worker does not exist on your account. [code: 10007]`);
    console.log(JSON.stringify(state.workers[worker]!.map((name) => ({ name, type: 'secret_text' }))));
    break;
  case 'deploy': {
    const secretsFile = flag('--secrets-file');
    const names = secretsFile ? Object.keys(JSON.parse(readFileSync(secretsFile, 'utf8')) as object) : [];
    state.workers[worker] = [...new Set([...(state.workers[worker] ?? []), ...names])];
    save();
    console.log(
      `Uploaded ${worker} (1.20 sec)\nDeployed ${worker} triggers (0.40 sec)\n  ${state.deployUrl}\n  schedule: */30 * * * *\n  schedule: */5 * * * *`,
    );
    break;
  }
  default:
    fail(`the stand-in does not know "${args.join(' ')}"`);
}
