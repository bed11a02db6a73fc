import { createRouter } from '../src/http/app.ts';
import { apiReference } from '../src/docs/api-reference.ts';

/** `GET /docs`: the interactive API reference generated from `/openapi.json` (no key needed). */
export const docs = createRouter();
docs.get('/docs', apiReference());
