/** A personal API token as the browser sees it (never its secret, except once in the create answer). */
export interface TokenView {
  id: string;
  name: string | null;
  /** The first characters, to tell tokens apart (never enough to use one). */
  start: string | null;
  createdAt: string;
}
