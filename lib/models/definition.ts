import { msg } from "../i18n/message";
import type { FieldMeta, MeasuredVideo } from "./media";

/**
 * What Retake knows about one model, as data: every screen, the simulator, the media checks, lineage and drafts
 * read it, and none of them branch on a model's name. No schema library here (the request schema lives in the
 * model's `*.schema.ts`), so the studio's first load can carry every definition without zod.
 *
 * A model's id is data too: `ModelId` is a string, and the registry (catalog.ts) says which ones exist.
 *
 * Its words (descriptions, labels, help, rule messages) are catalog keys encoded with `msg` (lib/i18n/message.ts),
 * with the words themselves in messages/<locale>.json under `models.*`: one place per fact, and a definition
 * carries no language, so the browser loads only the page's own catalog. Screens show them with `say(t, …)`.
 * A model's name (`label`) is the same in every language and stays plain text.
 */
export type ModelId = string;

/** A request after validation: the model, the prompt, and the model's own fields. */
export interface GenerationRequest {
  model: ModelId;
  prompt: string;
  [field: string]: unknown;
}

/** A request as the form holds it and a client sends it, before validation (the schema's input type). */
export interface GenerationInput {
  model: ModelId;
  [field: string]: unknown;
}

export type MediaKind = "video" | "image";

/** Containers the server's probe can name (lib/media). */
export type ProbeContainer = "mp4" | "mov" | "webm" | "mkv";

/** One media URL of a request, named by its field path (`elements.0.frontal_image_url`). */
export interface MediaTarget {
  field: string;
  url: string;
  kind: MediaKind;
  /** The most bytes the model takes for this file. */
  maxBytes: number;
}

/** How a setting is edited. One tuple of options feeds both the schema's enum and this control. */
export type SettingControl =
  | { kind: "choice"; options: readonly string[] }
  | { kind: "switch" }
  | { kind: "text"; placeholder?: string }
  | { kind: "integer"; min: number; placeholder?: string }
  | { kind: "select"; options: readonly { value: number; label: string }[]; emptyLabel: string };

/** A setting: its words (label, help) for the form and the task page, its control, and how the page shows it. */
export interface SettingField extends FieldMeta {
  name: string;
  control: SettingControl;
  /** Shown in the collapsed Advanced section rather than beside the main controls. */
  advanced?: boolean;
  /** Spans the whole row of the Advanced grid. */
  wide?: boolean;
  /** The value as the task page's settings table shows it. */
  display(value: unknown): string;
}

/** The media a model starts from: the field the form shows first, beside the prompt. */
export interface SourceMedia extends FieldMeta {
  field: string;
  kind: MediaKind;
  placeholder: string;
  /** The row's name in the task page's settings table. */
  settingsLabel: string;
}

/**
 * Extra media referred to from the prompt (`@Image1…`, `@Element1…`): reference images and subject elements,
 * with how many the model takes.
 */
export interface ReferenceMedia {
  imagesField: string;
  elementsField: string;
  /** Images and elements together. */
  maxTogether: number;
  maxImagesPerElement: number;
  /** Why the add buttons stop, in a creator's words. */
  capReason: string;
}

/**
 * What the studio's clip fixer needs to bring a local clip within the model's rules, as data: the length it takes,
 * which part of a long clip to keep by default, and the shapes and sizes it accepts. The fixer reads only this.
 */
export interface ClipFix {
  /** Shortest clip the model takes; a shorter one cannot be fixed by trimming. */
  minSeconds?: number;
  /** Longest clip the model takes; a longer one is trimmed. */
  maxSeconds?: number;
  /** Which end of a clip to keep by default: the start (an edit), or the end (an extension continues from it). */
  keep: "start" | "end";
  /** Each side's range in pixels, when the model takes any shape within it. */
  sides?: { min: number; max: number };
  /** The only shapes the model takes; a clip of another shape is cropped or padded to the one nearest its own. */
  aspects?: readonly ("16:9" | "9:16")[];
  /** The only short-side sizes the model takes (720 for 720p). */
  sizes?: readonly number[];
}

export interface ModelInfo<Req extends GenerationRequest = GenerationRequest> {
  id: ModelId;
  /** Models of one family share rules and differ in id (Veo standard and fast). */
  family: string;
  /** The name a user sees; the studio's Model radio group uses it. */
  label: string;
  description: string;
  promptMaxLength: number;
  prompt: FieldMeta & { placeholder: string };
  source: SourceMedia;
  /** The model's own settings, in the order the form and the task page show them. */
  settings: readonly SettingField[];
  /** What the collapsed Advanced section holds, said in its summary. */
  advancedSummary?: string;
  references?: ReferenceMedia;
  /** The form's starting values for the model's own fields (the schema's defaults, as the form holds them). */
  defaults: Readonly<Record<string, unknown>>;
  /** Problems with a measured clip, in words a creator understands; empty when it fits. */
  videoProblems?(video: MeasuredVideo): string[];
  /** How the studio can fix a local clip that breaks `videoProblems`; absent when it cannot. */
  clipFix?: ClipFix;
  /**
   * How the server judges the source clip it probes before spending (lib/media): the containers FoxAPI's page
   * allows (anything else is refused), those only other vendors name, and a frame-rate range only other vendors
   * state (warnings). `images` are the reference images' rules, all from other vendors, so warnings only.
   */
  probe?: {
    /** Short name used in messages: "Kling", "Veo". */
    name: string;
    maxBytes: number;
    containers?: readonly ProbeContainer[];
    suggestedContainers?: readonly ProbeContainer[];
    suggestedFrameRate?: { min: number; max: number };
    images?: { minSide: number; maxAspect: number; formats: readonly ("jpeg" | "png" | "webp")[] };
  };
  /** A setting that follows the measured clip unless the user chose it (Veo's aspect ratio). */
  followsClip?: {
    field: string;
    valueFor(video: Pick<MeasuredVideo, "width" | "height">): string | undefined;
  };
  /**
   * What an operator's price (PRICE_TABLE, lib/pricing) depends on for this model: the output's resolution
   * ("720p"), whether it makes or keeps audio, and how many seconds it makes (for per-second prices; null when
   * the source clip hasn't been measured). Without it, only a plain per-task price applies.
   */
  pricing?: {
    resolution?(
      req: Record<string, unknown>,
      source: { width: number; height: number } | null,
    ): string | null;
    audio?(req: Record<string, unknown>): boolean;
    seconds?(req: Record<string, unknown>, source: { durationSeconds: number } | null): number | null;
  };
  /**
   * The request field that seeds the model's randomness, when it has one (Veo's \`seed\`): several takes of one
   * click each get their own (the form's seed, seed+1, … or random ones). Models without one run the same body.
   */
  seed?: { field: string; max: number };
  /** Seconds the result adds to the input's length: 0 for edits, which keep it; 7 for Veo's extensions. */
  addsSeconds: number;
  /** What one of its results is called in a chain ("Edit", "Extension"). */
  resultNoun: string;
  /** This model is the one offered to continue a result ("Extend this", "Edit this"). */
  followUp?: { action: "extend" | "edit"; note: string };
  /** Bundled sample media for "Fill with sample media". */
  sample(origin: string): Record<string, unknown>;
  /** Every media URL the request makes the upstream fetch, for the server's checks before anything is spent. */
  mediaTargets(req: Req): MediaTarget[];
  /** The media a prompt reference points at (`@Video1`, `@Image2`…), for the task page's prompt chips. */
  referenceMedia(req: Req, token: string): { url: string; kind: MediaKind } | null;
  /** Rows the settings table adds for the request's reference media. */
  mediaRows(req: Req): [string, string][];
  /**
   * The simulator: one letter for the model in a task id, whether the result is portrait, and the
   * `usage.credits_reserved` it reports so demo mode shows a figure (made up for the demo, never a price).
   */
  simulator: { code: string; portrait(req: Req): boolean; credits?: number };
  /**
   * The exact JSON object FoxAPI receives for a validated request: defaults and empty optionals omitted. The
   * model's own schema must accept it too: the simulator validates what it receives with the same schema.
   */
  upstreamBody(req: Req): Record<string, unknown>;
}

/** A model's definition, typed with its own request and kept in the registry as a plain ModelInfo. */
export function defineModel<Req extends GenerationRequest>(info: ModelInfo<Req>): ModelInfo {
  return info as ModelInfo;
}

/** "Yes"/"No" and "On"/"Off" words for a switch in the settings table. */
export const yesNo = (value: unknown) => msg(value ? "models.common.yes" : "models.common.no");
export const onOff = (value: unknown) => msg(value === false ? "models.common.off" : "models.common.on");
