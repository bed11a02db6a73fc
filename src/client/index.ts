import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema.ts';

export type { components, operations, paths } from './schema.ts';

/** The typed client: `GET`, `POST`, `PUT`, `PATCH`, `DELETE` over the API's paths, bodies and answers. */
export type EngineApi = Client<paths>;

/**
 * A typed client of an engine at `baseUrl` that sends `key` as the bearer token: the public
 * ingest key in a page, the admin key only from a shop's backend.
 */
export function createEngineApi(baseUrl: string, key: string, options: { fetch?: typeof fetch } = {}): EngineApi {
  return createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${key}` }, fetch: options.fetch });
}
