import { CHAT_BOX_SCRIPT } from './chat-box-script.ts';
import { SEARCH_BOX_SCRIPT } from './search-box-script.ts';

/**
 * `widget.js`, the one script a shop embeds:
 *
 *     <script src="https://engine.example/widget.js" data-key="INGEST_KEY" async></script>
 *     <div data-recommend="similar" data-item="sku-1" data-k="6"></div>
 *
 * It fills every `[data-recommend]` container with the fragment of `/v1/widgets/<kind>` from the
 * script's own origin (attributes `data-item`, `data-k`, `data-category`, `data-lang`,
 * `data-currency`, `data-user`, `data-user-token` (the shopper's signed token, from the shop's
 * backend), on the container or the script tag; `data-placement` names the strip's place for
 * reports; `data-title` on a container replaces its heading, `data-title=""` removes it). A
 * strip's `data-item` is the product the page shows, not a view: `data-session-view` makes it
 * one of the session's recent items, and `data-send-view` also sends one `view` event for it
 * (once per page and item; `edgePersonalize.view(id)` does the same from the page's code). It sends an
 * `impression` once the strip is at least half visible (IntersectionObserver; at once where there
 * is none) and a `click` before navigation, with the fragment's rid, and the experiment and arm
 * when the fragment names them. A holdout arm's empty fragment renders nothing; its exposure is an
 * impression without items once the container is in view. Events go through a queue (memory and localStorage,
 * at most 200): sent in batches, kept on a failure (429, 503, network) and retried with
 * jittered exponential backoff (or `Retry-After`), dropped on other 4xx, and flushed with
 * `navigator.sendBeacon` when the page is hidden (what a beacon delivered but did not confirm
 * is sent again later; the event id makes that a duplicate, not a second event).
 * It keeps an anonymous visitor id (`anon-<uuid>`) and the session's recent items in
 * localStorage (30 minutes idle ends a session) and passes them to `for-you`. `window.edgePersonalize.load()` fills
 * containers added later. Every `[data-chat]` container becomes a chat box (chat-box-script.ts), every
 * `[data-search]` container a search box with suggestions and results (search-box-script.ts).
 * Dependency-free ES2017, no build step.
 */
export const WIDGET_SCRIPT = `(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.src) return;
  var engine = new URL(script.src, location.href).origin;
  var key = script.getAttribute('data-key') || '';
  var RECENT_MAX = 10, SESSION_IDLE_MS = 30 * 60 * 1000, memory = {};
  var QUEUE_MAX = 200, BATCH_MAX = 50, RETRY_MIN_MS = 1000, RETRY_MAX_MS = 60000;

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
  if (!visitor || visitor.indexOf('anon-') !== 0) write('ep_visitor', (visitor = 'anon-' + (visitor || uuid())));
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
  function flag(el, name) {
    var value = el.hasAttribute('data-' + name) ? el.getAttribute('data-' + name) : script.getAttribute('data-' + name);
    return value !== null && value !== 'false';
  }
  var queue = parse(read('ep_queue')), sending = false, failures = 0, timer = null;
  if (!Array.isArray(queue)) queue = [];
  function saveQueue() {
    if (queue.length > QUEUE_MAX) queue = queue.slice(queue.length - QUEUE_MAX);
    write('ep_queue', JSON.stringify(queue));
  }
  function beaconUrl(token) {
    return engine + '/v1/events/beacon?key=' + encodeURIComponent(key) + (token ? '&token=' + encodeURIComponent(token) : '');
  }
  function later(ms) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(function () { timer = null; flush(); }, ms);
  }
  function backoff(res) {
    failures++;
    var after = res && Number(res.headers.get('retry-after'));
    var cap = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * Math.pow(2, failures - 1));
    later(after > 0 ? after * 1000 : cap / 2 + Math.random() * cap / 2);
  }
  function flush() {
    if (sending || !queue.length) return;
    var token = queue[0].token;
    var batch = queue.filter(function (q) { return q.token === token; }).slice(0, BATCH_MAX);
    var sent = batch.map(function (q) { return q.event.id; });
    sending = true;
    fetch(beaconUrl(token), { method: 'POST', body: JSON.stringify({ events: batch.map(function (q) { return q.event; }) }), keepalive: true, credentials: 'omit' })
      .then(function (res) {
        sending = false;
        if (res.status === 429 || res.status >= 500) return backoff(res);
        queue = queue.filter(function (q) { return sent.indexOf(q.event.id) < 0; });
        saveQueue();
        failures = 0;
        if (queue.length) later(0);
      }, function () {
        sending = false;
        backoff(null);
      });
  }
  function flushOnHide() {
    if (!queue.length || !navigator.sendBeacon) return;
    var groups = {};
    queue.forEach(function (q) { (groups[q.token] = groups[q.token] || []).push(q.event); });
    Object.keys(groups).forEach(function (token) {
      for (var i = 0; i < groups[token].length; i += BATCH_MAX) {
        navigator.sendBeacon(beaconUrl(token), JSON.stringify({ events: groups[token].slice(i, i + BATCH_MAX) }));
      }
    });
  }
  window.addEventListener('pagehide', flushOnHide);
  document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'hidden') flushOnHide(); });
  function send(type, user, fields, token) {
    var event = { id: uuid(), type: type, user: user, session: session.id, ts: Date.now() };
    for (var name in fields) event[name] = fields[name];
    queue.push({ event: event, token: token || '' });
    saveQueue();
    if (!failures) flush();
  }

  function whenSeen(target, callback) {
    if (!window.IntersectionObserver) return callback();
    var observer = new IntersectionObserver(function (entries) {
      for (var i = 0; i < entries.length; i++) {
        if (entries[i].isIntersecting && entries[i].intersectionRatio >= 0.5) {
          observer.disconnect();
          return callback();
        }
      }
    }, { threshold: [0, 0.5, 1] });
    observer.observe(target);
  }

  var viewed = {};
  function view(item, user, token) {
    if (!item || viewed[item]) return;
    viewed[item] = true;
    remember(item);
    send('view', user, { item: item, context: { page: location.pathname } }, token);
  }

  function show(el, kind, user, token, html) {
    el.innerHTML = html;
    el.setAttribute('data-ep-state', 'ready');
    var root = el.querySelector('[data-rid]');
    if (!root) return;
    var heading = root.querySelector('.ep-heading');
    if (heading && el.hasAttribute('data-title')) {
      var title = el.getAttribute('data-title');
      if (title) heading.textContent = title;
      else heading.parentNode.removeChild(heading);
    }
    var rid = root.getAttribute('data-rid');
    var context = { widget: kind, page: location.pathname };
    var placement = option(el, 'placement');
    if (placement) context.placement = placement;
    var experiment = root.getAttribute('data-experiment');
    if (experiment) {
      context.experiment = experiment;
      context.arm = root.getAttribute('data-arm') || '';
    }
    var items = Array.prototype.map.call(root.querySelectorAll('li[data-item]'), function (li) { return li.getAttribute('data-item'); });
    if (items.length || experiment) {
      whenSeen(items.length ? root : el, function () {
        send('impression', user, { items: items.slice(0, 100), rid: rid, context: context }, token);
      });
    }
    root.addEventListener('click', function (e) {
      var card = e.target && e.target.closest ? e.target.closest('a[data-item]') : null;
      if (!card || !root.contains(card)) return;
      var item = card.getAttribute('data-item');
      if (kind !== 'campaign') remember(item);
      send('click', user, { item: item, rid: rid, context: context }, token);
    });
  }

  function fill(el) {
    var kind = el.getAttribute('data-recommend');
    var shopper = option(el, 'user'), token = option(el, 'user-token');
    var user = shopper || visitor;
    var lang = option(el, 'lang') || (/^zh/i.test(document.documentElement.lang) ? 'zh' : 'en');
    var query = ['key=' + encodeURIComponent(key), 'lang=' + encodeURIComponent(lang)];
    ['item', 'k', 'category', 'placement'].forEach(function (name) {
      var value = el.getAttribute('data-' + name);
      if (value) query.push(name + '=' + encodeURIComponent(value));
    });
    var currency = option(el, 'currency');
    if (currency) query.push('currency=' + encodeURIComponent(currency.toUpperCase()));
    if (token) query.push('token=' + encodeURIComponent(token));
    if (kind === 'campaign') {
      if (shopper || !token) query.push('user=' + encodeURIComponent(user));
      query.push('session=' + encodeURIComponent(session.id));
    }
    if (kind === 'for-you') {
      if (shopper || !token) query.push('user=' + encodeURIComponent(user));
      if (session.items.length) query.push('recent=' + encodeURIComponent(session.items.join(',')));
    } else {
      query.push('session=' + encodeURIComponent(user));
    }
    el.setAttribute('data-ep-state', 'loading');
    fetch(engine + '/v1/widgets/' + encodeURIComponent(kind) + '?' + query.join('&'), { credentials: 'omit' })
      .then(function (res) {
        if (!res.ok) throw new Error(kind + ' widget: HTTP ' + res.status);
        return res.text();
      })
      .then(function (html) { show(el, kind, user, token, html); })
      .catch(function (err) {
        el.setAttribute('data-ep-state', 'error');
        if (window.console) console.warn('[edge-personalize]', err);
      });
  }

${CHAT_BOX_SCRIPT}
${SEARCH_BOX_SCRIPT}
  function load() {
    var containers = Array.prototype.filter.call(document.querySelectorAll('[data-recommend]'), function (el) {
      return !el.hasAttribute('data-ep-state');
    });
    containers.forEach(function (el) {
      var item = el.getAttribute('data-item');
      if (!item) return;
      if (flag(el, 'send-view')) view(item, option(el, 'user') || visitor, option(el, 'user-token'));
      else if (flag(el, 'session-view')) remember(item);
    });
    containers.forEach(fill);
    mountChats();
    mountSearches();
  }

  window.edgePersonalize = {
    load: load,
    remember: remember,
    view: function (item) { view(item, script.getAttribute('data-user') || visitor, script.getAttribute('data-user-token') || ''); },
    visitor: visitor,
    flush: flush,
    pending: function () { return queue.length; },
  };
  flush();
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', load);
  else load();
})();
`;
