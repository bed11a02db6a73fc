/**
 * The search box of `widget.js` for shops without their own search UI: every `[data-search]`
 * container becomes a search form (`role="search"`) with a combobox input, completions from
 * `GET /v1/search/suggest` as the shopper types (arrow keys move, Enter picks, Escape closes),
 * and results from `GET /v1/search` (title, price, reason, picture, link; category facets as
 * buttons that filter; the "no exact match" note when a fallback answered). Only the newest
 * search's answer is shown, whatever order the answers arrive in, and a new query takes away the
 * facets of the one before, so a facet pressed always filters the query on screen. The answer's `qid`
 * is the `rid` of the `impression` (with `context.q`) and of each `click`, so the rebuild learns
 * which items shoppers choose after a query. Built with DOM nodes and `textContent`, never HTML
 * strings; links and pictures only with http(s) URLs. Attributes: `data-k` (results, default
 * 12), `data-lang`, `data-placeholder`, `data-user` and `data-user-token` (the shopper and
 * their signed token), on the container or the script tag.
 *
 * The source is a fragment of widget.js's closure: it uses `engine`, `key`, `session`,
 * `visitor`, `option`, `uuid`, `send`, `remember` and `whenSeen` from there.
 */
/** The search box's default look; every rule inside `:where()`, so the shop's own rules win. */
export const SEARCH_STYLE = [
  ':where(.ep-search){font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;max-width:960px;position:relative}',
  ':where(.ep-search-form){display:flex;gap:6px}',
  ':where(.ep-search-label){position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}',
  ':where(.ep-search-input){flex:1;font:inherit;padding:6px 10px;border:1px solid #8c959f;border-radius:6px}',
  ':where(.ep-search-submit,.ep-search-facet){font:inherit;cursor:pointer;border:1px solid #8c959f;border-radius:6px;background:#fff;padding:4px 10px}',
  ':where(.ep-search-facet[aria-pressed="true"]){background:#ddf4ff;border-color:#0969da}',
  ':where(.ep-search-suggestions){list-style:none;margin:2px 0 0;padding:4px 0;border:1px solid #d8dee4;border-radius:6px;background:#fff;position:absolute;left:0;right:0;z-index:10}',
  ':where(.ep-search-suggestion){padding:4px 10px;cursor:pointer}',
  ':where(.ep-search-suggestion[aria-selected="true"]){background:#ddf4ff}',
  ':where(.ep-search-status){margin:8px 0;color:#59636e}',
  ':where(.ep-search-facets){display:flex;flex-wrap:wrap;gap:6px;margin:8px 0}',
  ':where(.ep-search-results){list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:12px}',
  ':where(.ep-search-card){display:block;color:inherit;text-decoration:none;border:1px solid #d8dee4;border-radius:8px;padding:8px}',
  ':where(.ep-search-card img){width:100%;aspect-ratio:1;object-fit:cover;border-radius:6px}',
  ':where(.ep-search-title){margin:6px 0 2px;font-weight:600;overflow-wrap:anywhere}',
  ':where(.ep-search-price){margin:0}',
  ':where(.ep-search-reason){margin:2px 0 0;font-size:12px;color:#59636e}',
  ':where(.ep-search :focus-visible){outline:2px solid #0969da;outline-offset:1px}',
].join('');

export const SEARCH_BOX_SCRIPT = `
  var SEARCH_WORDS = {
    en: { label: 'Search the shop', search: 'Search', found: function (n) { return n + (n === 1 ? ' result' : ' results'); }, none: 'No exact match. Closest and popular items:', error: 'Search is not available right now. Please try again.', all: 'All' },
    zh: { label: '搜索商品', search: '搜索', found: function (n) { return '共 ' + n + ' 件商品'; }, none: '没有完全匹配的商品，为您推荐相近和热门商品：', error: '搜索暂时不可用，请稍后再试。', all: '全部' }
  };

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function httpUrl(value) {
    if (typeof value !== 'string') return '';
    try {
      var url = new URL(value, location.href);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : '';
    } catch (e) { return ''; }
  }

  function mountSearch(box) {
    if (box.hasAttribute('data-ep-search-state')) return;
    if (!document.getElementById('ep-search-style')) {
      var style = el('style', '', ${JSON.stringify(SEARCH_STYLE)});
      style.id = 'ep-search-style';
      document.head.appendChild(style);
    }
    var lang = option(box, 'lang') || (/^zh/i.test(document.documentElement.lang) ? 'zh' : 'en');
    var words = SEARCH_WORDS[lang] || SEARCH_WORDS.en;
    var shopper = option(box, 'user'), token = option(box, 'user-token');
    var user = shopper || visitor;
    var k = Math.max(1, Math.min(100, Number(option(box, 'k')) || 12));
    var id = 'ep-search-' + uuid().slice(0, 8);
    var root = el('div', 'ep-search');
    root.setAttribute('lang', lang);
    var form = el('form', 'ep-search-form');
    form.setAttribute('role', 'search');
    var label = el('label', 'ep-search-label', words.label);
    label.setAttribute('for', id + '-input');
    var input = el('input', 'ep-search-input');
    input.id = id + '-input';
    input.type = 'search';
    input.maxLength = 200;
    input.autocomplete = 'off';
    input.placeholder = option(box, 'placeholder') || words.label;
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', id + '-suggestions');
    var submit = el('button', 'ep-search-submit', words.search);
    submit.type = 'submit';
    var list = el('ul', 'ep-search-suggestions');
    list.id = id + '-suggestions';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', words.label);
    list.hidden = true;
    var status = el('p', 'ep-search-status');
    status.setAttribute('role', 'status');
    var facets = el('div', 'ep-search-facets');
    var results = el('ul', 'ep-search-results');
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(submit);
    root.appendChild(form);
    root.appendChild(list);
    root.appendChild(status);
    root.appendChild(facets);
    root.appendChild(results);
    box.textContent = '';
    box.appendChild(root);
    box.setAttribute('data-ep-search-state', 'ready');

    var headers = { authorization: 'Bearer ' + key };
    if (token) headers['x-user-token'] = token;
    function get(path, params) {
      var query = Object.keys(params).filter(function (name) { return params[name] !== undefined && params[name] !== ''; })
        .map(function (name) { return name + '=' + encodeURIComponent(params[name]); }).join('&');
      return fetch(engine + path + '?' + query, { headers: headers, credentials: 'omit' }).then(function (res) {
        if (!res.ok) throw new Error('search: HTTP ' + res.status);
        return res.json();
      });
    }

    var options = [], active = -1, typing = null, asked = 0;
    function closeSuggestions() {
      list.hidden = true;
      list.textContent = '';
      options = [];
      active = -1;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
    }
    function highlight(i) {
      options.forEach(function (o, j) { o.setAttribute('aria-selected', String(i === j)); });
      active = i;
      if (i >= 0) input.setAttribute('aria-activedescendant', options[i].id);
      else input.removeAttribute('aria-activedescendant');
    }
    function showSuggestions(suggestions) {
      closeSuggestions();
      suggestions.forEach(function (s, i) {
        var option_ = el('li', 'ep-search-suggestion', s.text);
        option_.id = id + '-option-' + i;
        option_.setAttribute('role', 'option');
        option_.setAttribute('aria-selected', 'false');
        option_.setAttribute('data-kind', s.kind);
        option_.addEventListener('mousedown', function (e) { e.preventDefault(); pick(s.text); });
        list.appendChild(option_);
        options.push(option_);
      });
      if (options.length) {
        list.hidden = false;
        input.setAttribute('aria-expanded', 'true');
      }
    }
    function pick(text) {
      input.value = text;
      closeSuggestions();
      run(text, '');
    }
    input.addEventListener('input', function () {
      if (typing) clearTimeout(typing);
      var text = input.value;
      if (!text.trim()) return closeSuggestions();
      typing = setTimeout(function () {
        var mine = ++asked;
        get('/v1/search/suggest', { q: text.slice(0, 100), k: 8, lang: lang })
          .then(function (answer) { if (mine === asked && input.value === text) showSuggestions(answer.suggestions || []); })
          .catch(function () { closeSuggestions(); });
      }, 120);
    });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown' && options.length) { e.preventDefault(); highlight((active + 1) % options.length); }
      else if (e.key === 'ArrowUp' && options.length) { e.preventDefault(); highlight(active <= 0 ? options.length - 1 : active - 1); }
      else if (e.key === 'Escape' && !list.hidden) { e.preventDefault(); closeSuggestions(); }
      else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); pick(options[active].textContent); }
    });
    input.addEventListener('blur', function () { setTimeout(closeSuggestions, 100); });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      if (typing) clearTimeout(typing);
      asked++;
      closeSuggestions();
      run(input.value, '');
    });

    function card(item, qid, q) {
      var li = el('li', 'ep-search-item');
      li.setAttribute('data-item', item.id);
      var link = el('a', 'ep-search-card');
      link.setAttribute('data-item', item.id);
      var href = httpUrl(item.url);
      if (href) link.href = href;
      var image = httpUrl(item.image);
      if (image) {
        var img = el('img');
        img.src = image;
        img.alt = '';
        img.loading = 'lazy';
        link.appendChild(img);
      }
      link.appendChild(el('p', 'ep-search-title', item.title));
      if (typeof item.price === 'number') link.appendChild(el('p', 'ep-search-price', item.price.toFixed(2)));
      link.appendChild(el('p', 'ep-search-reason', item.reason));
      link.addEventListener('click', function () {
        remember(item.id);
        send('click', user, { item: item.id, rid: qid, context: { widget: 'search', q: q, page: location.pathname } }, token);
      });
      li.appendChild(link);
      return li;
    }

    var searches = 0, shownQuery = null;
    function run(text, category) {
      var q = String(text || '').trim();
      if (!q) return;
      var mine = ++searches;
      if (q !== shownQuery) facets.textContent = '';
      box.setAttribute('data-ep-search-state', 'loading');
      var params = { q: q.slice(0, 200), k: k, lang: lang, session: session.id, category: category };
      if (shopper || !token) params.user = user;
      get('/v1/search', params)
        .then(function (answer) {
          if (mine !== searches) return;
          shownQuery = q;
          results.textContent = '';
          facets.textContent = '';
          status.textContent = answer.fallback ? words.none : words.found(answer.total);
          box.setAttribute('data-fallback', answer.fallback || '');
          var cats = (answer.facets && answer.facets.categories) || [];
          if (cats.length > 1 || category) {
            [{ value: '', count: null }].concat(cats).forEach(function (facet) {
              var button = el('button', 'ep-search-facet', facet.value ? facet.value + ' (' + facet.count + ')' : words.all);
              button.type = 'button';
              button.setAttribute('data-category', facet.value);
              button.setAttribute('aria-pressed', String(facet.value === category));
              button.addEventListener('click', function () { run(q, facet.value); });
              facets.appendChild(button);
            });
          }
          (answer.items || []).forEach(function (item) { results.appendChild(card(item, answer.qid, q)); });
          box.setAttribute('data-ep-search-state', 'ready');
          var ids = (answer.items || []).map(function (item) { return item.id; });
          if (ids.length) whenSeen(results, function () {
            send('impression', user, { items: ids.slice(0, 100), rid: answer.qid, context: { widget: 'search', q: q, page: location.pathname } }, token);
          });
        })
        .catch(function (err) {
          if (mine !== searches) return;
          shownQuery = null;
          results.textContent = '';
          facets.textContent = '';
          status.textContent = words.error;
          box.setAttribute('data-ep-search-state', 'error');
          if (window.console) console.warn('[edge-personalize]', err);
        });
    }
  }

  function mountSearches() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-search]'), mountSearch);
  }
`;
