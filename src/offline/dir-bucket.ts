import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArchiveBucket } from '../archive/bucket.ts';

/** The archive in a local directory, same keys as in R2 (for the offline job, the bench and tests). */
export function dirArchiveBucket(root: string): ArchiveBucket {
  return {
    async put(key, value) {
      const file = path.join(root, key);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, value);
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(path.join(root, key)));
      } catch {
        return null;
      }
    },
    async list(prefix) {
      let files: string[];
      try {
        files = (await readdir(root, { recursive: true, withFileTypes: true }))
          .filter((d) => d.isFile())
          .map((d) => path.relative(root, path.join(d.parentPath, d.name)));
      } catch {
        return [];
      }
      return files
        .map((f) => f.split(path.sep).join('/'))
        .filter((key) => key.startsWith(prefix))
        .sort();
    },
  };
}

/** The globs the engine reads an archive directory (or `s3://bucket/prefix`) through. */
export function archiveGlobs(location: string): { events: string; tombstones: string; catalog: string } {
  const base = location.replace(/\/+$/, '');
  return { events: `${base}/events/**/*.jsonl.gz`, tombstones: `${base}/tombstones/*.json`, catalog: `${base}/catalog/*/done.json` };
}
