import { html } from 'hono/html';
import { type Html, type PageContext, shell } from '../layout.ts';

/** The sign-in form: posts the admin key (`key`) to `/dashboard/login`. */
export function loginPage(ctx: PageContext, next: string, failed: boolean): Html {
  const { t } = ctx;
  return shell(
    ctx,
    'login',
    t.signIn,
    html`<form class="login" method="post" action="/dashboard/login">
      ${failed ? html`<p class="flash error" role="alert">${t.wrongKey}</p>` : ''}
      <p class="muted">${t.signInHint}</p>
      <label for="key">${t.adminKey}</label>
      <input id="key" name="key" type="password" autocomplete="current-password" required autofocus />
      <input type="hidden" name="next" value="${next}" />
      <button class="primary" type="submit">${t.signIn}</button>
    </form>`,
  );
}
