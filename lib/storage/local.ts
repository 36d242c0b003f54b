import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { byteCounter, checkKey, resolveRange, toReadable } from "./common";
import {
  type GetOptions,
  type ObjectInfo,
  type PutBody,
  type PutOptions,
  type Storage,
  StorageError,
  type StoredObject,
} from "./types";

/** Partial files live here, inside the root so the final rename never crosses a file system. */
const PARTIAL_DIR = ".partial";
/** A partial file this old was left by a process that died mid-write: no put takes an hour between writes. */
const STALE_PARTIAL_MS = 60 * 60_000;

const isMissing = (err: unknown) =>
  err instanceof Error && "code" in err && (err.code === "ENOENT" || err.code === "ENOTDIR");

/**
 * The default driver: objects are files under `root` (`DATA_DIR`), a key's segments its folders, so
 * `results/<id>.mp4` and `uploads/<name>` sit where `lib/tasks/archive.ts` and the simulator keep them today.
 * Writes go to a temporary file and are renamed into place: a reader never sees half a file.
 */
export function createLocalStorage(rootDir: string): Storage {
  const root = path.resolve(rootDir);
  let swept = false;

  /** Once per process, on the first put: removes partial files that a crashed process left behind. */
  async function sweepPartials(dir: string) {
    if (swept) return;
    swept = true;
    const now = Date.now();
    for (const name of await fs.promises.readdir(dir).catch(() => [])) {
      const file = path.join(dir, name);
      const stat = await fs.promises.stat(file).catch(() => null);
      if (stat && now - stat.mtimeMs > STALE_PARTIAL_MS) await fs.promises.rm(file, { force: true });
    }
  }

  function fileOf(key: string): string {
    const file = path.resolve(root, checkKey(key));
    // checkKey already refuses `..`; this is the belt to its braces.
    if (!file.startsWith(root + path.sep))
      throw new StorageError("invalid_key", `Not a valid storage key: "${key}".`);
    return file;
  }

  async function statFile(key: string): Promise<fs.Stats | null> {
    try {
      const stat = await fs.promises.stat(fileOf(key));
      return stat.isFile() ? stat : null;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  return {
    driver: "local",

    async put(key: string, body: PutBody, options: PutOptions = {}) {
      const final = fileOf(key);
      const partialDir = path.join(root, PARTIAL_DIR);
      await fs.promises.mkdir(partialDir, { recursive: true });
      await sweepPartials(partialDir);
      await fs.promises.mkdir(path.dirname(final), { recursive: true });
      const temp = path.join(partialDir, `${String(process.pid)}-${randomBytes(8).toString("hex")}`);
      const counter = byteCounter(options.maxBytes ?? Number.MAX_SAFE_INTEGER);
      try {
        await pipeline(toReadable(body), counter.stream, fs.createWriteStream(temp, { flags: "wx" }));
        await fs.promises.rename(temp, final);
        return { key, size: counter.bytes() };
      } catch (err) {
        await fs.promises.rm(temp, { force: true });
        throw err;
      }
    },

    async get(key: string, options: GetOptions = {}): Promise<StoredObject | null> {
      const stat = await statFile(key);
      if (!stat) return null;
      const range = options.range ? resolveRange(options.range, stat.size) : null;
      let body: fs.ReadStream;
      try {
        // Opened before returning, so a file deleted between stat and read reads as missing, not as a broken stream.
        const handle = await fs.promises.open(fileOf(key), "r");
        body = handle.createReadStream(range ? { start: range.start, end: range.end } : {});
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
      return {
        body,
        size: stat.size,
        contentLength: range ? range.end - range.start + 1 : stat.size,
        range,
        lastModified: stat.mtime,
      };
    },

    async stat(key: string): Promise<ObjectInfo | null> {
      const stat = await statFile(key);
      return stat ? { key, size: stat.size, lastModified: stat.mtime } : null;
    },

    async exists(key: string) {
      return (await statFile(key)) !== null;
    },

    async delete(key: string) {
      await fs.promises.rm(fileOf(key), { force: true });
    },

    async list(prefix: string): Promise<ObjectInfo[]> {
      const found: ObjectInfo[] = [];
      // Walk only the folder the prefix names, not the whole root.
      const slash = prefix.lastIndexOf("/");
      const base = slash === -1 ? "" : prefix.slice(0, slash);
      if (base) checkKey(base);
      async function walk(dir: string, keyDir: string) {
        let entries: fs.Dirent[];
        try {
          entries = await fs.promises.readdir(dir, { withFileTypes: true });
        } catch (err) {
          if (isMissing(err)) return;
          throw err;
        }
        for (const entry of entries) {
          if (entry.name.startsWith(".")) continue;
          const key = keyDir ? `${keyDir}/${entry.name}` : entry.name;
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) {
            if (prefix.startsWith(key + "/") || key.startsWith(prefix)) await walk(full, key);
          } else if (entry.isFile() && key.startsWith(prefix)) {
            try {
              const stat = await fs.promises.stat(full);
              found.push({ key, size: stat.size, lastModified: stat.mtime });
            } catch (err) {
              if (!isMissing(err)) throw err;
            }
          }
        }
      }
      await walk(base ? path.join(root, base) : root, base);
      return found;
    },
  };
}
