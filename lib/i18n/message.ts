/**
 * Words said by shared modules (lib/models, lib/media, the request schemas) that run on the server and in the
 * browser and must not carry the catalogs: they say a catalog key and its values, encoded in the string they
 * already return (`i18n:models.kling.description` or `i18n:media.clipTooShort {"secs":"2.0"}`). Whoever shows
 * the words (a component with `useTranslations`, the API's error mapping with the request's locale) turns them
 * into the person's language with `say`. Text that is not encoded (an upstream message) is shown as it is.
 */
/** A value may be a list of messages: each is said, then they are joined with a space (sentences in a row). */
export type MessageValues = Record<string, string | number | string[]>;

const PREFIX = "i18n:";

/** A catalog key (and its values) as a string a shared module can return where it used to return words. */
export function msg(key: string, values?: MessageValues): string {
  return values && Object.keys(values).length > 0
    ? `${PREFIX}${key} ${JSON.stringify(values)}`
    : `${PREFIX}${key}`;
}

export function decodeMsg(text: string): { key: string; values?: MessageValues } | null {
  if (!text.startsWith(PREFIX)) return null;
  const space = text.indexOf(" ");
  if (space < 0) return { key: text.slice(PREFIX.length) };
  try {
    return {
      key: text.slice(PREFIX.length, space),
      values: JSON.parse(text.slice(space + 1)) as MessageValues,
    };
  } catch {
    return null;
  }
}

/** Any translator (next-intl's `t` without a namespace, or `createTranslator`'s). */
export type Translate = (key: string, values?: Record<string, string | number>) => string;

/** The words for a possibly encoded message. */
export function say(t: Translate, text: string): string {
  const m = decodeMsg(text);
  if (!m) return text;
  if (m.key === LIST) return (m.values?.items as string[] | undefined)?.map((i) => say(t, i)).join(" ") ?? "";
  // A value may itself be an encoded message, or a list of them.
  const values = m.values
    ? Object.fromEntries(
        Object.entries(m.values).map(([k, v]) => [
          k,
          Array.isArray(v) ? v.map((i) => say(t, i)).join(" ") : typeof v === "string" ? say(t, v) : v,
        ]),
      )
    : undefined;
  return t(m.key, values);
}

const LIST = "_list";

/** Several messages said one after another (a field with two problems): the sentences joined with a space. */
export function joinMsgs(messages: readonly string[]): string {
  const items = messages.flatMap((m) => {
    const d = decodeMsg(m);
    return d?.key === LIST ? ((d.values?.items as string[] | undefined) ?? []) : [m];
  });
  return items.length === 1 ? items[0]! : msg(LIST, { items });
}
