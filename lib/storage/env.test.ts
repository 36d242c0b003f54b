import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "../env";

/** The S3_* block of lib/env.ts: which driver a deploy gets, and the start-up message for each mistake. */
describe("S3 configuration", () => {
  it("stays on local disk when no S3_* is set", () => {
    expect(parseEnv({}).s3).toBeNull();
    expect(parseEnv({ S3_BUCKET: "  ", S3_ENDPOINT: "" }).s3).toBeNull();
  });

  it("reads a full S3-compatible setup", () => {
    expect(
      parseEnv({
        S3_BUCKET: "retake-results",
        S3_ENDPOINT: "http://s3:9000",
        S3_REGION: "eu-west-1",
        S3_ACCESS_KEY_ID: "AKIA",
        S3_SECRET_ACCESS_KEY: "secret",
        S3_FORCE_PATH_STYLE: "true",
      }).s3,
    ).toEqual({
      bucket: "retake-results",
      endpoint: "http://s3:9000",
      region: "eu-west-1",
      accessKeyId: "AKIA",
      secretAccessKey: "secret",
      forcePathStyle: true,
    });
  });

  it("defaults to AWS: no endpoint, us-east-1, virtual-hosted style, the SDK's own credentials", () => {
    expect(parseEnv({ S3_BUCKET: "retake" }).s3).toEqual({
      bucket: "retake",
      endpoint: undefined,
      region: "us-east-1",
      accessKeyId: undefined,
      secretAccessKey: undefined,
      forcePathStyle: false,
    });
  });

  it.each([
    [{ S3_BUCKET: "b1x", S3_FORCE_PATH_STYLE: "yes" }, "S3_FORCE_PATH_STYLE must be true or false."],
    [{ S3_BUCKET: "b1x", S3_ENDPOINT: "s3.example.com" }, "S3_ENDPOINT must be an http(s) URL"],
    [{ S3_BUCKET: "b1x", S3_ENDPOINT: "ftp://s3.example.com" }, "S3_ENDPOINT must be an http(s) URL"],
    [{ S3_BUCKET: "Bad_Bucket" }, 'S3_BUCKET is not a valid bucket name: "Bad_Bucket".'],
    [{ S3_BUCKET: "b1x", S3_ACCESS_KEY_ID: "AKIA" }, "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together"],
    [
      { S3_BUCKET: "b1x", S3_SECRET_ACCESS_KEY: "s" },
      "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together",
    ],
    [{ S3_ENDPOINT: "http://s3:9000" }, "S3_ENDPOINT set without S3_BUCKET"],
  ])("stops the start with a message naming the variable: %j", (source, message) => {
    expect(() => parseEnv(source)).toThrow(ConfigError);
    expect(() => parseEnv(source)).toThrow(message);
  });
});
