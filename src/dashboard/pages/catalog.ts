import { html } from 'hono/html';
import type { StoredRule } from '../../rules/rules-store.ts';
import { type Html, type PageContext, formatNumber, shell, table, tiles } from '../layout.ts';

/** A rule with what it touches now. */
export interface RuleEffect {
  rule: StoredRule;
  /** Title of the item it targets, or null when the item is not in the catalog. */
  targetTitle: string | null;
  targetAvailable: boolean | null;
  /** Items of the catalog the rule applies to (1 for an item rule on a listed item). */
  itemsAffected: number;
  state: 'active' | 'scheduled' | 'expired' | 'disabled';
}

/** What the catalog page shows. */
export interface CatalogData {
  total: number;
  available: number;
  /** Available items checked for similar items, and those without any. */
  checked: number;
  without: { id: string; title: string }[];
  pinnedUnavailable: { ruleId: number; id: string; title: string | null }[];
  rules: RuleEffect[];
}

function day(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** The catalog page: items that get no recommendations, rules that no longer make sense, every rule's effect. */
export function catalogPage(ctx: PageContext, data: CatalogData): Html {
  const { t } = ctx;
  const stateLabel = { active: t.active, scheduled: t.scheduled, expired: t.expired, disabled: t.expired } as const;
  const content = html`
    ${tiles(ctx, [
      { label: t.catalogSize, value: data.total },
      { label: t.available, value: data.available },
      { label: t.unavailable, value: data.total - data.available },
      { label: t.coverage, value: data.checked ? (data.checked - data.without.length) / data.checked : null, style: 'percent' },
    ])}
    <h2>${t.withoutRecommendations} (${data.without.length} / ${data.checked})</h2>
    ${
      data.without.length
        ? table(
            [t.item, ''],
            data.without.slice(0, 50).map((i) => [i.id, i.title]),
          )
        : html`<p class="empty">${t.none}</p>`
    }
    <h2>${t.pinnedUnavailable}</h2>
    ${
      data.pinnedUnavailable.length
        ? table(
            ['#', t.item, ''],
            data.pinnedUnavailable.map((p) => [String(p.ruleId), p.id, p.title ?? t.missing]),
          )
        : html`<p class="empty">${t.none}</p>`
    }
    <h2>${t.rules}</h2>
    ${
      data.rules.length
        ? table(
            ['#', t.action, t.target, t.effect, t.schedule],
            data.rules.map((e) => [
              String(e.rule.id),
              `${e.rule.action}${e.rule.amount === null ? '' : ` ${e.rule.amount}`}`,
              e.rule.targetType === 'item'
                ? html`${e.rule.target}<br /><span class="muted">${e.targetTitle ?? t.missing}</span>`
                : `${e.rule.targetType}: ${e.rule.target}`,
              html`${formatNumber(e.itemsAffected, ctx.lang)}
              ${t.itemsAffected}${e.targetAvailable === false ? html` <span class="badge bad">${t.unavailable}</span>` : ''}`,
              html`<span class="badge ${e.state === 'active' ? 'ok' : 'warn'}">${stateLabel[e.state]}</span>
                ${e.rule.startsAt !== null || e.rule.endsAt !== null ? html`<br /><span class="muted">${day(e.rule.startsAt)} → ${day(e.rule.endsAt)}</span>` : ''}`,
            ]),
          )
        : html`<p class="empty">${t.none}</p>`
    }
  `;
  return shell(ctx, 'catalog', t.catalog, content);
}
