import { eventCsvLine } from '../events-csv.ts';

/**
 * UCI Online Retail invoice lines (quoted CSV with header
 * `InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country`)
 * to `purchase` events with the quantity as value. Rows without a customer, with a
 * quantity <= 0 or from a cancellation invoice (`C...`) are skipped.
 *
 * @example
 * fromOnlineRetail(header + '\n"557055","23203","BAG",20,"2011-06-16 14:45:00",2.08,12621,"Germany"');
 * // ['12621,23203,purchase,20,1308235500000']
 */
export function fromOnlineRetail(text: string): string[] {
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  for (const line of lines.slice(1)) {
    const [invoice = '', item = '', , quantity = '', date = '', , customer = ''] = splitQuoted(line);
    const amount = Number(quantity);
    if (!item || !customer || customer === 'NA' || invoice.startsWith('C') || !(amount > 0)) continue;
    const ts = Date.parse(`${date.replace(' ', 'T')}Z`);
    if (!Number.isFinite(ts)) continue;
    out.push(eventCsvLine(customer, item, 'purchase', amount, ts));
  }
  return out;
}

/** Splits one CSV line with double-quoted fields (`""` is a quote inside a field). */
export function splitQuoted(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let at = 0; at < line.length; at++) {
    const char = line[at];
    if (quoted) {
      if (char === '"' && line[at + 1] === '"') field += line[++at];
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}
