import { describe, expect, it } from "vitest";
import { byteRangeFromHeader, resolveRange } from "./common";
import { StorageError } from "./types";

describe("byteRangeFromHeader", () => {
  it.each([
    ["bytes=0-99", { start: 0, end: 99 }],
    ["bytes=100-", { start: 100 }],
    ["bytes=-500", { suffix: 500 }],
    [" bytes=5-5 ", { start: 5, end: 5 }],
    // Passed on for get() to refuse with 416, as serve-file does today.
    ["bytes=10-5", { start: 10, end: 5 }],
    ["bytes=-0", { suffix: 0 }],
  ])("reads %j", (header, range) => {
    expect(byteRangeFromHeader(header)).toEqual(range);
  });

  it.each([null, undefined, "", "bytes=-", "bytes=0-1,5-6", "items=0-1", "bytes=a-b", "bytes 0-1"])(
    "serves the whole object for %j",
    (header) => {
      expect(byteRangeFromHeader(header)).toBeNull();
    },
  );
});

describe("resolveRange", () => {
  it("refuses what HTTP calls unsatisfiable, with the size for Content-Range: bytes */size", () => {
    for (const range of [{ start: 10, end: 5 }, { suffix: 0 }, { start: 100 }]) {
      expect(() => resolveRange(range, 100)).toThrow(StorageError);
      try {
        resolveRange(range, 100);
      } catch (err) {
        expect((err as StorageError).size).toBe(100);
      }
    }
  });
});
