import type { MultipartReader } from "../uploads/multipart";

export interface ReadPart {
  name: string;
  filename: string | null;
  contentType: string | null;
  body: Buffer;
}

/** Every part of a multipart body, read whole: for tests that check what went over the wire. */
export async function readAllParts(reader: MultipartReader): Promise<ReadPart[]> {
  const parts: ReadPart[] = [];
  for (let p = await reader.nextPart(); p; p = await reader.nextPart()) {
    const chunks: Buffer[] = [];
    let c: Uint8Array | null;
    while ((c = await reader.readChunk()) !== null) chunks.push(Buffer.from(c));
    parts.push({ ...p, body: Buffer.concat(chunks) });
  }
  return parts;
}
