/**
 * The fragment's default look: a horizontal strip of product cards. Every rule sits inside
 * `:where()`, so it has no specificity and any class rule of the shop's own stylesheet wins.
 */
export const WIDGET_STYLE = [
  ':where(.ep-widget){font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;margin:16px 0}',
  ':where(.ep-heading){font-size:16px;font-weight:600;margin:0 0 8px}',
  ':where(.ep-items){display:flex;gap:12px;overflow-x:auto;list-style:none;margin:0;padding:0 0 8px}',
  ':where(.ep-item){flex:0 0 168px;min-width:0}',
  ':where(.ep-card){display:flex;flex-direction:column;height:100%;box-sizing:border-box;padding:8px;border:1px solid #d8dee4;border-radius:8px;background:#fff;color:inherit;text-decoration:none}',
  ':where(a.ep-card:hover){border-color:#8c959f}',
  ':where(.ep-image){display:block;width:100%;aspect-ratio:1;object-fit:cover;border-radius:4px;background:#f0f2f4}',
  ':where(.ep-title){margin-top:6px;font-weight:600;overflow:hidden;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow-wrap:anywhere}',
  ':where(.ep-price){margin-top:4px}',
  ':where(.ep-reason){margin-top:4px;color:#59636e;font-size:12px}',
].join('');
