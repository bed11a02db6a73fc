import { createServer, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A running shop page server. */
export interface ShopPage {
  origin: string;
  /** Sets the product page's HTML (served at `/`). */
  setHome(html: string): void;
  close(): Promise<void>;
}

/**
 * A stand-in for a shop: `/` is the product page under test, `/p/<id>` a product page a card
 * links to, `/img/<id>.svg` a coloured picture per product (so cards look like products).
 */
export async function startShopPage(port: number): Promise<ShopPage> {
  let home = '<!doctype html><title>shop</title>';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://shop');
    const image = url.pathname.match(/^\/img\/(.+)\.svg$/);
    if (url.pathname === '/') return send(res, 'text/html; charset=utf-8', home);
    if (image) return send(res, 'image/svg+xml', productPicture(decodeURIComponent(image[1] ?? '')));
    if (url.pathname.startsWith('/p/')) return send(res, 'text/html; charset=utf-8', '<!doctype html><title>product</title><h1>Product page</h1>');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${port}`,
    setHome: (html) => void (home = html),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function send(res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}

function productPicture(id: string): string {
  let hash = 0;
  for (const ch of id) hash = Math.imul(hash ^ ch.charCodeAt(0), 2654435761) >>> 0;
  const label = id
    .replace(/^sku-[a-z]+-/, '')
    .replace(/[^a-z0-9-]/gi, '')
    .slice(0, 18);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240" viewBox="0 0 240 240"><rect width="240" height="240" fill="hsl(${hash % 360},55%,78%)"/><circle cx="120" cy="104" r="52" fill="hsl(${hash % 360},45%,58%)"/><text x="120" y="200" font-family="sans-serif" font-size="18" text-anchor="middle" fill="#333">${label}</text></svg>`;
}
