import { html } from 'hono/html';
import { type Html, type PageContext, type PageName, shell } from './layout.ts';

/** A page whose feature has not produced data yet: says so instead of showing empty charts. */
export function notYetPage(ctx: PageContext, page: PageName): Html {
  return shell(ctx, page, ctx.t[page], html`<p class="empty">${ctx.t.notYet}</p>`);
}
