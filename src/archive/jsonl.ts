/** Rows as gzip JSON lines (CompressionStream: in the Workers runtime and in Node). */
export async function gzipLines(rows: readonly unknown[]): Promise<Uint8Array> {
  const text = rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The rows of a gzip JSON lines object. */
export async function gunzipLines<T>(bytes: Uint8Array): Promise<T[]> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  const text = await new Response(stream).text();
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as T);
}
