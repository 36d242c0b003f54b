import { msg } from "../i18n/message";
import { MAX_IMAGE_BYTES, MAX_VIDEO_BYTES, type MeasuredVideo } from "../models/media";

/**
 * What a local file may be before it becomes a public URL (shared/foxapi-contract.md §1a, §4): the rules the form
 * checks before any byte is sent, and the route handler checks again on the bytes themselves. Shared by both, so
 * no `server-only` and no Node imports.
 */
export type UploadKind = "video" | "image";

export interface UploadType {
  mime: string;
  kind: UploadKind;
  /** The one extension a stored or forwarded file gets, whatever the name it arrived with. */
  ext: string;
  label: string;
}

export const UPLOAD_TYPES: readonly UploadType[] = [
  { mime: "video/mp4", kind: "video", ext: "mp4", label: "MP4" },
  { mime: "video/quicktime", kind: "video", ext: "mov", label: "MOV" },
  { mime: "image/jpeg", kind: "image", ext: "jpg", label: "JPEG" },
  { mime: "image/png", kind: "image", ext: "png", label: "PNG" },
  { mime: "image/webp", kind: "image", ext: "webp", label: "WebP" },
];

const BY_EXTENSION: Record<string, string> = {
  mp4: "video/mp4",
  m4v: "video/mp4",
  mov: "video/quicktime",
  qt: "video/quicktime",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
};

export const MAX_UPLOAD_BYTES: Record<UploadKind, number> = {
  video: MAX_VIDEO_BYTES,
  image: MAX_IMAGE_BYTES,
};

/** FoxAPI removes uploaded files after about 72 hours (contract §4). */
export const UPLOAD_TTL_MS = 72 * 3600 * 1000;

/** The `accept` attribute of a file input for a kind. */
export function acceptFor(kind: UploadKind): string {
  const types = UPLOAD_TYPES.filter((t) => t.kind === kind);
  return [
    ...types.map((t) => t.mime),
    ...types.map((t) => `.${t.ext}`),
    ...(kind === "image" ? [".jpeg"] : []),
  ]
    .filter((v, i, all) => all.indexOf(v) === i)
    .join(",");
}

/** "MP4 or MOV", "JPEG, PNG or WebP". */
export function typeList(kind: UploadKind): string {
  const labels = UPLOAD_TYPES.filter((t) => t.kind === kind).map((t) => t.label);
  return labels.length > 1 ? `${labels.slice(0, -1).join(", ")} or ${labels.at(-1)!}` : (labels[0] ?? "");
}

export function extensionOf(name: string): string {
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(name.trim());
  return m ? m[1]!.toLowerCase() : "";
}

/**
 * The allowed type a file claims to be: its declared MIME type when that is one we take, else its extension
 * (browsers leave `type` empty for some .mov files, and generic clients send application/octet-stream).
 */
export function declaredType(name: string, mime: string | null | undefined): UploadType | null {
  const m = (mime ?? "").split(";")[0]!.trim().toLowerCase();
  const byMime = UPLOAD_TYPES.find((t) => t.mime === m);
  if (byMime) return byMime;
  if (m !== "" && m !== "application/octet-stream") return null;
  const fromExt = BY_EXTENSION[extensionOf(name)];
  return UPLOAD_TYPES.find((t) => t.mime === fromExt) ?? null;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${String(bytes)} B`;
  if (bytes < 1024 * 1024) return `${String(Math.round(bytes / 1024))} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb < 10 ? mb.toFixed(1) : String(Math.round(mb))} MB`;
}

/** Shown to people: a name without paths or control characters, shortened. */
function quoted(name: string): string {
  const short = name.replace(/[\x00-\x1f\x7f]/g, "").slice(-60);
  return `“${short}”`;
}

/**
 * Whether a file may be uploaded into a field of a kind, judged from its name, type and size alone (what the
 * browser knows before reading it). A message in plain words, or null when it may go.
 */
export function fileProblem(
  file: { name: string; type: string; size: number },
  kind: UploadKind,
): string | null {
  const type = declaredType(file.name, file.type);
  // Catalog keys (lib/i18n/message.ts): the browser says them in the page's language.
  const name = quoted(file.name);
  if (!type || type.kind !== kind) return msg("uploads.wrongType", { name, kind });
  if (file.size === 0) return msg("uploads.emptyFile", { name });
  const max = MAX_UPLOAD_BYTES[kind];
  if (file.size > max)
    return msg("uploads.tooBig", { name, size: formatBytes(file.size), kind, max: formatBytes(max) });
  return null;
}

/**
 * The type a file's first bytes show it to be, so a renamed executable or HTML page is never stored or forwarded
 * as a "video". Needs the first 12 bytes.
 */
export function sniffType(head: Uint8Array): string | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "image/jpeg";
  if (head.length >= 8 && ascii(0, 8) === "\x89PNG\r\n\x1a\n") return "image/png";
  if (head.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  if (head.length >= 12) {
    const box = ascii(4, 8);
    if (box === "ftyp") return ascii(8, 10) === "qt" ? "video/quicktime" : "video/mp4";
    // Older QuickTime files start with other top-level atoms.
    if (["moov", "mdat", "wide", "free", "skip", "pnot"].includes(box)) return "video/quicktime";
  }
  return null;
}

/** Whether sniffed bytes agree with a declared type (MP4 and MOV share a container, so either satisfies the other). */
export function contentMatches(declared: UploadType, sniffed: string | null): boolean {
  if (!sniffed) return false;
  if (declared.kind === "video") return sniffed === "video/mp4" || sniffed === "video/quicktime";
  return sniffed === declared.mime;
}

/**
 * A file name safe to send upstream, store on disk and put in a URL: no directories, no control or shell-special
 * characters, letters and digits of any script kept, at most 100 characters, and the canonical extension of its
 * verified type.
 */
export function sanitizeFileName(name: string, type: UploadType): string {
  const base = name.split(/[/\\]/).pop() ?? "";
  const stem = base
    .normalize("NFC")
    .replace(/\.[A-Za-z0-9]{1,8}$/, "")
    .replace(/[^\p{L}\p{N}._-]+/gu, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[.\-_]+|[.\-_]+$/g, "")
    .slice(0, 100)
    .replace(/[.\-_]+$/g, "");
  return `${stem || (type.kind === "video" ? "video" : "image")}.${type.ext}`;
}

/**
 * What identifies "the same file" when someone picks it again: name, size and modification time. Cheap (no hash
 * of 200 MB in the browser) and stable across picks of one file.
 */
export function fileFingerprint(file: { name: string; size: number; lastModified: number }): string {
  return `${file.name.slice(-200)}|${String(file.size)}|${String(file.lastModified)}`;
}

/** An upload as our API reports it. */
export interface UploadView {
  id: string;
  url: string;
  filename: string;
  contentType: string;
  kind: UploadKind;
  size: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** When the upstream is expected to delete the file (about 72 h after the upload). */
  expiresAt: number;
  fingerprint: string | null;
  /** What the browser measured of a video before uploading it. */
  meta: MeasuredVideo | null;
}

/** "72 h", "3 h", "40 min": how long until a time, for the picker. */
/** "expires in 71 h": how long an upload's link has left, as a catalog key (lib/i18n/message.ts). */
export function formatRemaining(ms: number): string {
  if (ms <= 0) return msg("uploads.expired");
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return msg("uploads.expiresInMin", { n: String(Math.max(1, minutes)) });
  // Rounded: a link made a second ago "expires in 72 h", not 71.
  return msg("uploads.expiresInHours", { n: String(Math.round(minutes / 60)) });
}
