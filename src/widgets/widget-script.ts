/**
 * `widget.js`, the one script a shop embeds:
 *
 *     <script src="https://engine.example/widget.js" data-key="INGEST_KEY" async></script>
 *     <div data-recommend="similar" data-item="sku-1" data-k="6"></div>
 *
 * It fills every `[data-recommend]` container with the fragment of `/v1/widgets/<kind>` from the
 * script's own origin (attributes `data-item`, `data-k`, `data-category`, `data-lang`,
 * `data-user`, on the container or the script tag), sends an `impression` when it shows items
 * and a `click` before navigation, both through `navigator.sendBeacon` with the fragment's rid.
 * It keeps an anonymous visitor id and the session's recent items in localStorage (30 minutes
 * idle ends a session) and passes them to `for-you`. `window.edgePersonalize.load()` fills
 * containers added later. Dependency-free ES2017, no build step.
 */
export const WIDGET_SCRIPT = `(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.src) return;
  var engine = new URL(script.src, location.href).origin;
  var key = script.getAttribute('data-key') || '';
  var RECENT_MAX = 10, SESSION_IDLE_MS = 30 * 60 * 1000, memory = {};

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, function (c) {
      var r = (Math.random() * 16) | 0;
      return (c === 'x' ? r : (r & 3) | 8).toString(16);
    });
  }
  function read(name) {
    try { return localStorage.getItem(name); } catch (e) { return memory[name] || null; }
  }
  function write(name, value) {
    try { localStorage.setItem(name, value); } catch (e) { memory[name] = value; }
  }
  function parse(text) {
    try { return JSON.parse(text); } catch (e) { return null; }
  }

  var visitor = read('ep_visitor');
  if (!visitor) write('ep_visitor', (visitor = uuid()));
  var session = parse(read('ep_session'));
  if (!session || typeof session.id !== 'string' || !Array.isArray(session.items) || !(Date.now() - session.ts < SESSION_IDLE_MS)) {
    session = { id: uuid(), items: [] };
  }
  function keep() {
    session.ts = Date.now();
    write('ep_session', JSON.stringify(session));
  }
  function remember(item) {
    session.items = [item].concat(session.items.filter(function (id) { return id !== item; })).slice(0, RECENT_MAX);
    keep();
  }
  keep();
  function option(el, name) {
    return el.getAttribute('data-' + name) || script.getAttribute('data-' + name) || '';
  }
  function send(type, user, fields) {
    var event = { id: uuid(), type: type, user: user, session: session.id, ts: Date.now() };
    for (var name in fields) event[name] = fields[name];
    var url = engine + '/v1/events/beacon?key=' + encodeURIComponent(key);
    var body = JSON.stringify({ events: [event] });
    if (navigator.sendBeacon && navigator.sendBeacon(url, body)) return;
    fetch(url, { method: 'POST', body: body, keepalive: true, mode: 'no-cors', credentials: 'omit' }).catch(function () {});
  }

  function show(el, kind, user, html) {
    el.innerHTML = html;
    el.setAttribute('data-ep-state', 'ready');
    var root = el.querySelector('[data-rid]');
    if (!root) return;
    var rid = root.getAttribute('data-rid');
    var items = Array.prototype.map.call(root.querySelectorAll('li[data-item]'), function (li) { return li.getAttribute('data-item'); });
    if (items.length) send('impression', user, { items: items.slice(0, 100), rid: rid, context: { widget: kind, page: location.pathname } });
    root.addEventListener('click', function (e) {
      var card = e.target && e.target.closest ? e.target.closest('a[data-item]') : null;
      if (!card || !root.contains(card)) return;
      var item = card.getAttribute('data-item');
      remember(item);
      send('click', user, { item: item, rid: rid, context: { widget: kind, page: location.pathname } });
    });
  }

  function fill(el) {
    var kind = el.getAttribute('data-recommend');
    var user = option(el, 'user') || visitor;
    var lang = option(el, 'lang') || (/^zh/i.test(document.documentElement.lang) ? 'zh' : 'en');
    var query = ['key=' + encodeURIComponent(key), 'lang=' + encodeURIComponent(lang)];
    ['item', 'k', 'category'].forEach(function (name) {
      var value = el.getAttribute('data-' + name);
      if (value) query.push(name + '=' + encodeURIComponent(value));
    });
    if (kind === 'for-you') {
      query.push('user=' + encodeURIComponent(user));
      if (session.items.length) query.push('recent=' + encodeURIComponent(session.items.join(',')));
    }
    el.setAttribute('data-ep-state', 'loading');
    fetch(engine + '/v1/widgets/' + encodeURIComponent(kind) + '?' + query.join('&'), { credentials: 'omit' })
      .then(function (res) {
        if (!res.ok) throw new Error(kind + ' widget: HTTP ' + res.status);
        return res.text();
      })
      .then(function (html) { show(el, kind, user, html); })
      .catch(function (err) {
        el.setAttribute('data-ep-state', 'error');
        if (window.console) console.warn('[edge-personalize]', err);
      });
  }

  function load() {
    var containers = Array.prototype.filter.call(document.querySelectorAll('[data-recommend]'), function (el) {
      return !el.hasAttribute('data-ep-state');
    });
    containers.forEach(function (el) {
      var item = el.getAttribute('data-item');
      if (item) remember(item);
    });
    containers.forEach(fill);
  }

  window.edgePersonalize = { load: load, remember: remember, visitor: visitor };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', load);
  else load();
})();
`;
