/**
 * The chat box of `widget.js`: every `[data-chat]` container becomes a chat
 * with the shop's FAQ (`POST /v1/chat`): a log read out by screen readers
 * (`role="log"`), a labelled input, suggestion buttons on a clarifying
 * question, a handoff state (`data-ep-chat-state="handoff"`) and "did this
 * help?" buttons on answers (`POST /v1/chat/feedback`). Everything is built
 * with DOM nodes and `textContent`, never HTML strings, so no text from the
 * shop or the shopper is ever parsed as markup. Its words follow the page's
 * language (`data-lang`, else `<html lang>`). Attributes: `data-user` (the
 * shop's shopper id, passed on with a handoff), `data-placeholder`.
 *
 * The source is a fragment of widget.js's closure: it uses `engine`, `key`,
 * `session`, `option` and `uuid` from there.
 */
/** The chat box's default look; every rule inside `:where()`, so the shop's own rules win. */
export const CHAT_STYLE = [
  ':where(.ep-chat){font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;border:1px solid #d8dee4;border-radius:8px;max-width:420px;background:#fff}',
  ':where(.ep-chat-log){max-height:360px;overflow-y:auto;padding:8px}',
  ':where(.ep-chat-msg){margin:6px 0;padding:6px 10px;border-radius:8px;max-width:85%;overflow-wrap:anywhere}',
  ':where(.ep-chat-shopper){margin-left:auto;background:#ddf4ff}',
  ':where(.ep-chat-bot){background:#f6f8fa}',
  ':where(.ep-chat-text){margin:0;white-space:pre-wrap}',
  ':where(.ep-chat-suggestions){display:flex;flex-direction:column;gap:4px;margin-top:6px}',
  ':where(.ep-chat-suggestion,.ep-chat-vote,.ep-chat-send){font:inherit;cursor:pointer;border:1px solid #8c959f;border-radius:6px;background:#fff;padding:4px 8px;text-align:left}',
  ':where(.ep-chat-feedback){display:flex;gap:6px;align-items:center;margin-top:6px;font-size:12px;color:#59636e}',
  ':where(.ep-chat-handoff){margin:6px 0 0;font-size:12px;color:#59636e}',
  ':where(.ep-chat-form){display:flex;gap:6px;padding:8px;border-top:1px solid #d8dee4}',
  ':where(.ep-chat-label){position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}',
  ':where(.ep-chat-input){flex:1;font:inherit;padding:4px 8px;border:1px solid #8c959f;border-radius:6px}',
  ':where(.ep-chat :focus-visible){outline:2px solid #0969da;outline-offset:1px}',
].join('');

export const CHAT_BOX_SCRIPT = `
  var CHAT_WORDS = {
    en: { label: 'Chat with us', input: 'Your question', send: 'Send', helped: 'Did this help?', yes: 'Yes', no: 'No', thanks: 'Thanks for your feedback!', error: 'Sorry, the chat is not available right now. Please try again.', handoff: 'A member of our team will take over.' },
    zh: { label: '在线客服', input: '您的问题', send: '发送', helped: '这个回答有帮助吗？', yes: '有帮助', no: '没帮助', thanks: '感谢您的反馈！', error: '抱歉，客服暂时不可用，请稍后再试。', handoff: '人工客服将为您继续服务。' }
  };

  function node(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function mountChat(box) {
    if (box.hasAttribute('data-ep-chat-state')) return;
    if (!document.getElementById('ep-chat-style')) {
      var style = node('style', '', ${JSON.stringify(CHAT_STYLE)});
      style.id = 'ep-chat-style';
      document.head.appendChild(style);
    }
    var lang = option(box, 'lang') || (/^zh/i.test(document.documentElement.lang) ? 'zh' : 'en');
    var words = CHAT_WORDS[lang] || CHAT_WORDS.en;
    var shopper = option(box, 'user');
    var chatSession = 'chat-' + session.id;
    var inputId = 'ep-chat-input-' + uuid().slice(0, 8);
    var root = node('section', 'ep-chat');
    root.setAttribute('aria-label', words.label);
    root.setAttribute('lang', lang);
    var log = node('div', 'ep-chat-log');
    log.setAttribute('role', 'log');
    log.setAttribute('aria-live', 'polite');
    var form = node('form', 'ep-chat-form');
    var label = node('label', 'ep-chat-label', words.input);
    label.setAttribute('for', inputId);
    var input = node('input', 'ep-chat-input');
    input.id = inputId;
    input.type = 'text';
    input.maxLength = 500;
    input.autocomplete = 'off';
    input.placeholder = option(box, 'placeholder') || words.input;
    var sendButton = node('button', 'ep-chat-send', words.send);
    sendButton.type = 'submit';
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(sendButton);
    root.appendChild(log);
    root.appendChild(form);
    box.textContent = '';
    box.appendChild(root);
    box.setAttribute('data-ep-chat-state', 'ready');

    function say(role, text) {
      var line = node('div', 'ep-chat-msg ep-chat-' + role);
      line.appendChild(node('p', 'ep-chat-text', text));
      log.appendChild(line);
      log.scrollTop = log.scrollHeight;
      return line;
    }

    function feedback(line, turn) {
      var bar = node('div', 'ep-chat-feedback');
      bar.setAttribute('role', 'group');
      bar.setAttribute('aria-label', words.helped);
      bar.appendChild(node('span', 'ep-chat-helped', words.helped));
      [[true, words.yes], [false, words.no]].forEach(function (choice) {
        var button = node('button', 'ep-chat-vote', choice[1]);
        button.type = 'button';
        button.setAttribute('data-helpful', String(choice[0]));
        button.addEventListener('click', function () {
          Array.prototype.forEach.call(bar.querySelectorAll('button'), function (b) { b.disabled = true; });
          button.setAttribute('aria-pressed', 'true');
          api('/v1/chat/feedback', { session: chatSession, turn: turn, helpful: choice[0] })
            .then(function () { bar.appendChild(node('span', 'ep-chat-thanks', words.thanks)); })
            .catch(function () {});
        });
        bar.appendChild(button);
      });
      line.appendChild(bar);
    }

    function suggest(line, suggestions) {
      var list = node('div', 'ep-chat-suggestions');
      suggestions.forEach(function (s) {
        var button = node('button', 'ep-chat-suggestion', s.question);
        button.type = 'button';
        button.addEventListener('click', function () { ask(s.question); });
        list.appendChild(button);
      });
      line.appendChild(list);
    }

    function api(path, body) {
      return fetch(engine + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer ' + key },
        body: JSON.stringify(body),
        credentials: 'omit'
      }).then(function (res) {
        if (!res.ok) throw new Error('chat: HTTP ' + res.status);
        return res.json();
      });
    }

    function ask(text) {
      text = String(text || '').trim();
      if (!text) return;
      say('shopper', text);
      box.setAttribute('data-ep-chat-state', 'waiting');
      var body = { message: text.slice(0, 500), session: chatSession, lang: lang };
      if (shopper) body.shopper = shopper;
      api('/v1/chat', body)
        .then(function (reply) {
          var line = say('bot', reply.answer || '');
          line.setAttribute('data-reason', reply.reason);
          if (reply.suggestions && reply.suggestions.length) suggest(line, reply.suggestions);
          if (reply.reason === 'answered' && reply.turn) feedback(line, reply.turn);
          if (reply.handoff) {
            line.appendChild(node('p', 'ep-chat-handoff', words.handoff));
            box.setAttribute('data-ep-chat-state', 'handoff');
          } else box.setAttribute('data-ep-chat-state', 'ready');
        })
        .catch(function (err) {
          say('bot', words.error).setAttribute('data-reason', 'error');
          box.setAttribute('data-ep-chat-state', 'error');
          if (window.console) console.warn('[edge-personalize]', err);
        });
    }

    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var text = input.value;
      input.value = '';
      ask(text);
      input.focus();
    });
  }

  function mountChats() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-chat]'), mountChat);
  }
`;
