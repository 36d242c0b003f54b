/**
 * CSV as RFC 4180 writes it: fields with a comma, a double quote or a line break in double quotes (a quote inside
 * doubled), lines ended with CRLF. A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage
 * return before one) as a formula, so such a cell gets a leading apostrophe first (OWASP's "CSV injection"): a
 * person's name is theirs to choose, and must not run in the admin's spreadsheet.
 */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((row) => row.map(csvCell).join(",") + "\r\n").join("");
}
