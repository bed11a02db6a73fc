/** What a rendered fragment holds, parsed by workerd's own HTML parser (HTMLRewriter). */
export interface ParsedFragment {
  /** Tag names of every element, in document order. */
  tags: string[];
  /** Every attribute of every element, as `[tag, name, value]`. */
  attributes: [string, string, string][];
  /** The rid on the root. */
  rid: string | undefined;
  /** Item ids of the cards, in order. */
  items: string[];
}

/** Parses a widget fragment so tests check elements and attributes, not substrings. */
export async function parseFragment(html: string): Promise<ParsedFragment> {
  const parsed: ParsedFragment = { tags: [], attributes: [], rid: undefined, items: [] };
  const rewriter = new HTMLRewriter().on('*', {
    element(el) {
      parsed.tags.push(el.tagName);
      for (const [name = '', value = ''] of el.attributes) parsed.attributes.push([el.tagName, name, decodeEntities(value)]);
      if (el.hasAttribute('data-rid')) parsed.rid = decodeEntities(el.getAttribute('data-rid') ?? '');
      if (el.tagName === 'li') parsed.items.push(decodeEntities(el.getAttribute('data-item') ?? ''));
    },
  });
  await rewriter.transform(new Response(html)).text();
  return parsed;
}

/** Values of the URL-carrying attributes (href, src) and of event-handler attributes (on*). */
export function riskyAttributes(fragment: ParsedFragment): { urls: string[]; handlers: string[] } {
  return {
    urls: fragment.attributes.filter(([, name]) => name === 'href' || name === 'src').map(([, , value]) => value),
    handlers: fragment.attributes.filter(([, name]) => name.startsWith('on')).map(([tag, name]) => `${tag}[${name}]`),
  };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`' };

/** HTMLRewriter hands attribute values over as written; decode the entities the renderer uses. */
function decodeEntities(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|#39|#96);/g, (_, name: string) => ENTITIES[name] ?? '');
}
