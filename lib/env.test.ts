import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "./env";

const SECRET = "s".repeat(32);

describe("database configuration", () => {
  it("nothing set: SQLite in DATA_DIR, no secret needed", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.SESSION_SECRET).toBeUndefined();
    expect(env.DATABASE_POOL_SIZE).toBe(10);
  });

  it("DATABASE_URL with a SESSION_SECRET: accepted", () => {
    const env = parseEnv({ DATABASE_URL: "postgres://u:p@127.0.0.1:5432/retake", SESSION_SECRET: SECRET });
    expect(env.DATABASE_URL).toBe("postgres://u:p@127.0.0.1:5432/retake");
    expect(parseEnv({ DATABASE_URL: "postgresql://db/retake", SESSION_SECRET: SECRET }).DATABASE_URL).toBe(
      "postgresql://db/retake",
    );
  });

  it.each([
    [{ DATABASE_URL: "postgres://u:p@db/retake" }, /SESSION_SECRET is required when DATABASE_URL is set/],
    [
      { DATABASE_URL: "mysql://db/retake", SESSION_SECRET: SECRET },
      /DATABASE_URL must be a postgres:\/\/ URL/,
    ],
    [{ DATABASE_URL: "not a url", SESSION_SECRET: SECRET }, /DATABASE_URL is not a URL/],
    [{ SESSION_SECRET: "short" }, /SESSION_SECRET must be at least 32 characters/],
    [{ DATABASE_POOL_SIZE: "0" }, /DATABASE_POOL_SIZE must be at least 1/],
  ])("%o is refused at start with a message naming the variable", (source, message) => {
    expect(() => parseEnv(source)).toThrow(ConfigError);
    expect(() => parseEnv(source)).toThrow(message);
  });

  it("the database URL's password never appears in a configuration message", () => {
    try {
      parseEnv({ DATABASE_URL: "mysql://u:hunter2secret@db/retake", SESSION_SECRET: SECRET });
      throw new Error("expected a ConfigError");
    } catch (err) {
      expect(String(err)).not.toContain("hunter2secret");
    }
  });
});
