import { html } from 'hono/html';
import type { Faq } from '../../chat/faq-schema.ts';
import type { MissGroup } from '../../chat/misses.ts';
import { type Html, type PageContext, chartFigure, shell, table } from '../layout.ts';

/** What the chat page shows. */
export interface ChatData {
  /** Misses per UTC day, oldest first. */
  missesPerDay: { day: string; misses: number }[];
  /** Per UTC day: shoppers' questions the bot replied to (greetings and requests for a person left out) and those it answered. */
  answeredPerDay: { day: string; questions: number; answered: number }[];
  groups: MissGroup[];
  faqs: Pick<Faq, 'id' | 'question' | 'answer' | 'lang'>[];
}

/** The chat page: unanswered questions over time, grouped, each one click from becoming an FAQ. */
export function chatPage(ctx: PageContext, data: ChatData, flash?: string): Html {
  const { t } = ctx;
  const faqOptions = (selected: string | null) =>
    data.faqs.map((f) => html`<option value="${f.id}" ${f.id === selected ? 'selected' : ''}>${f.id}: ${f.question.slice(0, 60)}</option>`);
  const byId = new Map(data.faqs.map((f) => [f.id, f]));
  const closest = (id: string | null) => {
    const faq = id ? byId.get(id) : undefined;
    return faq
      ? html`<details>
          <summary>${faq.question}</summary>
          ${faq.answer}
        </details>`
      : '';
  };
  const content = html`
    <div class="grid">
      ${chartFigure(
        ctx,
        t.answeredPerDay,
        {
          x: data.answeredPerDay.map((d) => d.day),
          series: [{ name: t.answeredRate, values: data.answeredPerDay.map((d) => (d.questions ? d.answered / d.questions : null)) }],
        },
        { kind: 'line', percent: true, max: 1 },
      )}
      ${chartFigure(
        ctx,
        t.missesPerDay,
        { x: data.missesPerDay.map((d) => d.day), series: [{ name: t.count, values: data.missesPerDay.map((d) => d.misses) }] },
        { kind: 'bar' },
      )}
    </div>
    <h2>${t.topMisses}</h2>
    ${
      data.groups.length === 0
        ? html`<p class="empty">${t.none}</p>`
        : table(
            [t.question, t.count, t.examples, t.addPhrasing, t.newFaq],
            data.groups.map((g) => [
              html`${g.question}${closest(g.bestFaq)}`,
              String(g.count),
              html`<ul>
                ${g.examples.slice(0, 3).map((e) => html`<li>${e}</li>`)}
              </ul>`,
              html`<form method="post" action="/dashboard/chat/phrasing">
                <input type="hidden" name="message" value="${g.question}" />
                <select name="faq" aria-label="${t.addPhrasing}">
                  ${faqOptions(g.bestFaq)}
                </select>
                <button type="submit">${t.save}</button>
              </form>`,
              html`<form method="post" action="/dashboard/chat/faq">
                <input type="hidden" name="question" value="${g.question}" />
                <textarea name="answer" rows="2" required aria-label="${t.answer}" placeholder="${t.answer}"></textarea>
                <button type="submit">${t.newFaq}</button>
              </form>`,
            ]),
          )
    }
  `;
  return shell(ctx, 'chat', t.chat, content, flash);
}
