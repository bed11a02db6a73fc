import { html } from 'hono/html';
import type { RebuildRun } from '../../rebuild/runs.ts';
import type { Manifest } from '../../tables/layout.ts';
import { type Html, type PageContext, chartFigure, formatNumber, shell, table } from '../layout.ts';

/** What the models page shows. */
export interface ModelsData {
  runs: RebuildRun[];
  current: Manifest | null;
}

/** A candidate model's offline score, as the rebuild's selection records it (when it runs). */
interface CandidateScore {
  name: string;
  score: number | null;
  /** Hit rate at 10 on the same held-out items, when recorded. */
  hitRate: number | null;
}

/** What the models page reads of a run's model selection. */
export interface SelectionView {
  chosen: string | null;
  candidates: CandidateScore[];
  /** Shoppers whose last items were held out to score the candidates. */
  shoppers: number | null;
  /** Why the run published the default instead, when it did. */
  skipped: string | null;
}

/** The model selection a run recorded, read defensively from its figures. */
export function selectionOf(stats: Record<string, unknown>): SelectionView {
  const selection = stats.selection as Record<string, unknown> | undefined;
  if (!selection || typeof selection !== 'object')
    return { chosen: typeof stats.model === 'string' ? stats.model : null, candidates: [], shoppers: null, skipped: null };
  const chosen = [selection.winner, selection.chosen, selection.model].find((v) => typeof v === 'string') as string | undefined;
  const list = Array.isArray(selection.candidates) ? selection.candidates : [];
  const candidates = list
    .map((entry): CandidateScore | null => {
      if (!entry || typeof entry !== 'object') return null;
      const e = entry as Record<string, unknown>;
      const name = [e.name, e.model, e.id].find((v) => typeof v === 'string') as string | undefined;
      const score = [e.ndcg, e.ndcg10, e.ndcgAt10, e.score].find((v) => typeof v === 'number') as number | undefined;
      const hitRate = [e.hr10, e.hrAt10, e.hitRate].find((v) => typeof v === 'number') as number | undefined;
      return name ? { name, score: score ?? null, hitRate: hitRate ?? null } : null;
    })
    .filter((c): c is CandidateScore => c !== null)
    .sort((a, b) => (b.score ?? -1) - (a.score ?? -1));
  return {
    chosen: chosen ?? null,
    candidates,
    shoppers: typeof selection.shoppers === 'number' ? selection.shoppers : null,
    skipped: typeof selection.skipped === 'string' ? selection.skipped : null,
  };
}

function when(ms: number, ctx: PageContext): string {
  return new Date(ms).toLocaleString(ctx.lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'UTC', dateStyle: 'short', timeStyle: 'short' }) + ' UTC';
}

function badge(status: string): Html {
  const tone = status === 'published' ? 'ok' : status === 'failed' ? 'bad' : 'warn';
  return html`<span class="badge ${tone}">${status}</span>`;
}

/** The models page: rebuild history, what is served now, the selection's candidates, a rebuild button. */
export function modelsPage(ctx: PageContext, data: ModelsData, flash?: string): Html {
  const { t } = ctx;
  const finished = data.runs.filter((r) => r.durationMs !== null).reverse();
  const labelOf = (r: RebuildRun) => when(r.startedAt, ctx);
  const latest = data.runs.find((r) => r.status === 'published');
  const selection: SelectionView = latest ? selectionOf(latest.stats) : { chosen: null, candidates: [], shoppers: null, skipped: null };
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const content = html`
    <form method="post" action="/dashboard/rebuild"><button class="primary" type="submit">${t.rebuildNow}</button></form>
    <h2>${t.currentVersion}</h2>
    ${
      data.current
        ? table(
            [t.version, t.started, t.users, t.items, t.chosenModel],
            [
              [
                data.current.version,
                when(data.current.builtAt, ctx),
                formatNumber(num(data.current.stats.users), ctx.lang),
                formatNumber(num(data.current.stats.items), ctx.lang),
                selection.chosen ?? '–',
              ],
            ],
          )
        : html`<p class="empty">${t.noData}</p>`
    }
    <div class="grid">
      ${chartFigure(
        ctx,
        t.durationChart,
        { x: finished.map(labelOf), series: [{ name: t.duration, values: finished.map((r) => (r.durationMs ?? 0) / 1000) }] },
        { kind: 'bar' },
      )}
      ${chartFigure(
        ctx,
        t.sizes,
        {
          x: finished.map(labelOf),
          series: [
            { name: t.users, values: finished.map((r) => num(r.stats.users)) },
            { name: t.items, values: finished.map((r) => num(r.stats.items)) },
          ],
        },
        { kind: 'line' },
      )}
    </div>
    ${
      selection.candidates.length
        ? html`${chartFigure(
              ctx,
              t.candidates,
              {
                x: selection.candidates.map((c) => (c.name === selection.chosen ? `★ ${c.name}` : c.name)),
                series: [
                  { name: 'NDCG@10', values: selection.candidates.map((c) => c.score) },
                  ...(selection.candidates.some((c) => c.hitRate !== null) ? [{ name: 'HR@10', values: selection.candidates.map((c) => c.hitRate) }] : []),
                ],
              },
              { kind: 'hbar', labelWidth: 230 },
            )}
            <p class="muted">${selection.shoppers === null ? '' : `${t.heldOut}: ${formatNumber(selection.shoppers, ctx.lang)}`}</p>`
        : selection.skipped
          ? html`<p class="muted">${t.selectionSkipped}: ${selection.skipped}</p>`
          : ''
    }
    <h2>${t.rebuilds}</h2>
    ${table(
      [t.version, t.trigger, t.status, t.started, t.duration, t.users, t.items, t.chosenModel],
      data.runs.map((r) => [
        r.version,
        r.trigger,
        badge(r.status),
        when(r.startedAt, ctx),
        r.durationMs === null ? '–' : formatNumber(r.durationMs / 1000, ctx.lang),
        formatNumber(num(r.stats.users), ctx.lang),
        formatNumber(num(r.stats.items), ctx.lang),
        selectionOf(r.stats).chosen ?? (r.error ? r.error.slice(0, 120) : '–'),
      ]),
    )}
  `;
  return shell(ctx, 'models', t.models, content, flash);
}
