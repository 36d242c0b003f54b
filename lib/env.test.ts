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

describe("team accounts configuration (issue 12)", () => {
  const OIDC = {
    OIDC_ISSUER: "https://sso.example.com/",
    OIDC_CLIENT_ID: "retake",
    OIDC_CLIENT_SECRET: "shh",
  };

  it("AUTH_MODE defaults: none, or passcode when ACCESS_PASSCODE is set", () => {
    expect(parseEnv({}).authMode).toBe("none");
    expect(parseEnv({ ACCESS_PASSCODE: "tangerine" }).authMode).toBe("passcode");
    expect(parseEnv({ AUTH_MODE: "passcode", ACCESS_PASSCODE: "tangerine" }).authMode).toBe("passcode");
    const env = parseEnv({ AUTH_MODE: "accounts" });
    expect(env).toMatchObject({ authMode: "accounts", appUrl: undefined, oidc: null, teamEmailDomains: [] });
  });

  it("accounts mode with OIDC, domains and APP_URL: normalized", () => {
    const env = parseEnv({
      AUTH_MODE: "accounts",
      APP_URL: "https://retake.example.com/",
      HOST: "0.0.0.0",
      TEAM_EMAIL_DOMAINS: " Example.com, @studio.example.org ,",
      OIDC_NAME: "Okta",
      ADMIN_EMAIL: "ada@example.com",
      ADMIN_PASSWORD: "long-enough-1",
      ...OIDC,
    });
    expect(env.appUrl).toBe("https://retake.example.com");
    expect(env.teamEmailDomains).toEqual(["example.com", "studio.example.org"]);
    expect(env.oidc).toEqual({
      issuer: "https://sso.example.com",
      clientId: "retake",
      clientSecret: "shh",
      name: "Okta",
    });
    expect(parseEnv({ AUTH_MODE: "accounts", ...OIDC }).oidc?.name).toBe("single sign-on");
    // A test provider on loopback may be plain http.
    expect(
      parseEnv({ AUTH_MODE: "accounts", ...OIDC, OIDC_ISSUER: "http://127.0.0.1:4290" }).oidc?.issuer,
    ).toBe("http://127.0.0.1:4290");
  });

  it.each([
    [{ AUTH_MODE: "open" }, /AUTH_MODE must be none, passcode or accounts/],
    [{ AUTH_MODE: "passcode" }, /AUTH_MODE=passcode needs ACCESS_PASSCODE/],
    [{ AUTH_MODE: "none", ACCESS_PASSCODE: "x" }, /AUTH_MODE=none contradicts ACCESS_PASSCODE/],
    [
      { AUTH_MODE: "accounts", HOST: "0.0.0.0" },
      /APP_URL is required with AUTH_MODE=accounts on a public bind/,
    ],
    [{ AUTH_MODE: "accounts", APP_URL: "http://retake.example.com" }, /APP_URL must use https/],
    [
      { AUTH_MODE: "accounts", APP_URL: "https://retake.example.com/studio" },
      /APP_URL is the studio's origin only/,
    ],
    [{ AUTH_MODE: "accounts", APP_URL: "nope" }, /APP_URL is not a URL/],
    [{ AUTH_MODE: "accounts", ...OIDC, OIDC_ISSUER: "http://sso.example.com" }, /OIDC_ISSUER must use https/],
    [
      { AUTH_MODE: "accounts", OIDC_ISSUER: "https://sso.example.com" },
      /OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together/,
    ],
    [{ ACCESS_PASSCODE: "x", ...OIDC }, /OIDC_\* single sign-on needs AUTH_MODE=accounts/],
    [{ AUTH_MODE: "accounts", ADMIN_EMAIL: "ada@example.com" }, /ADMIN_EMAIL and ADMIN_PASSWORD go together/],
    [
      { AUTH_MODE: "accounts", ADMIN_EMAIL: "ada", ADMIN_PASSWORD: "long-enough-1" },
      /ADMIN_EMAIL is not an email address/,
    ],
    [
      { AUTH_MODE: "accounts", ADMIN_EMAIL: "a@b.co", ADMIN_PASSWORD: "short" },
      /ADMIN_PASSWORD must be 8 to 128 characters/,
    ],
    [
      { AUTH_MODE: "accounts", TEAM_EMAIL_DOMAINS: "example.com, not a domain" },
      /TEAM_EMAIL_DOMAINS has "not a domain"/,
    ],
  ])("refuses %j with a message naming the variable", (source, message) => {
    expect(() => parseEnv(source)).toThrow(ConfigError);
    expect(() => parseEnv(source)).toThrow(message);
  });
});

describe("prices: PRICE_TABLE and PRICE_UNIT", () => {
  it("unset: no prices, unit credits", () => {
    const env = parseEnv({});
    expect(env.prices).toBeNull();
    expect(env.PRICE_UNIT).toBe("credits");
  });

  it("a valid table is parsed once at start", () => {
    const env = parseEnv({
      PRICE_TABLE: '{"veo-3.1-extend": {"per": "second", "price": 0.4}}',
      PRICE_UNIT: "USD",
    });
    expect(env.prices).toEqual({ "veo-3.1-extend": { per: "second", rates: [{ price: 0.4 }] } });
    expect(env.PRICE_UNIT).toBe("USD");
  });

  it.each([
    [{ PRICE_TABLE: "{oops" }, /PRICE_TABLE is not valid JSON/],
    [{ PRICE_TABLE: '{"veo-3": {"per": "task", "price": 1}}' }, /PRICE_TABLE\["veo-3"\]: unknown model/],
    [{ PRICE_TABLE: '{"veo-3.1-extend": {"per": "hour", "price": 1}}' }, /per must be "second" or "task"/],
    [{ PRICE_UNIT: "x".repeat(30) }, /PRICE_UNIT must be a short word/],
  ])("%o is refused at start with a readable message", (source, message) => {
    expect(() => parseEnv(source)).toThrow(ConfigError);
    expect(() => parseEnv(source)).toThrow(message);
  });
});
