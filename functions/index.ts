import { createApp } from '../src/http/app.ts';
import type { Env } from '../src/env.ts';
import { VERSION } from '../src/version.ts';
import { catalog } from './catalog.ts';
import { collect } from './collect.ts';
import { health } from './health.ts';
import { users } from './users.ts';

/** The engine's HTTP API: every function module mounted on one app. */
export const app = createApp(VERSION);
app.route('/', health);
app.route('/', collect);
app.route('/', catalog);
app.route('/', users);

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
