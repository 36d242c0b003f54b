import type { Server } from "node:http";
import path from "node:path";
import { type Page, expect, test } from "@playwright/test";
import Provider from "oidc-provider";
import {
  SAMPLE,
  cardFor,
  chooseModel,
  expectPlayableResult,
  setVideo,
  uniquePrompt,
  shootWidths,
} from "./helpers";
import { type OwnServer, startOwnServer } from "./server";

/*
 * Team accounts (issue 12) in Chromium: the first admin signs in with ADMIN_EMAIL / ADMIN_PASSWORD and starts a
 * task that carries their name; a personal token is made once; and single sign-on runs against a REAL OpenID
 * Connect provider (oidc-provider, a certified implementation) that this file starts on loopback.
 */
const OIDC_PORT = Number(process.env.E2E_OIDC_PORT ?? 4290);
const APP_PORT = Number(process.env.E2E_ACCOUNTS_PORT ?? 4291);
const ISSUER = `http://127.0.0.1:${String(OIDC_PORT)}`;
const ADMIN = { email: "ada@example.com", password: "admin-pass-1234" };

let provider: Server;
let server: OwnServer;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  const oidc = new Provider(ISSUER, {
    clients: [
      {
        client_id: "retake",
        client_secret: "retake-test-secret",
        redirect_uris: [`http://127.0.0.1:${String(APP_PORT)}/api/auth/callback/oidc`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    // The provider's own login page (devInteractions) takes any login: the login is the email.
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: id, email: id, email_verified: true, name: `SSO ${id.split("@")[0]!}` }),
    }),
    cookies: { keys: ["oidc-test-cookie-key"] },
  });
  provider = oidc.listen(OIDC_PORT);
  server = await startOwnServer(APP_PORT, {
    AUTH_MODE: "accounts",
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    OIDC_ISSUER: ISSUER,
    OIDC_CLIENT_ID: "retake",
    OIDC_CLIENT_SECRET: "retake-test-secret",
    OIDC_NAME: "Test SSO",
    TEAM_EMAIL_DOMAINS: "example.com",
  });
});
test.afterAll(async () => {
  await server.stop();
  await new Promise((resolve) => provider.close(resolve));
});

/** axe-core on the page as it is: no violations. */
async function expectNoAxeViolations(page: Page) {
  await page.addScriptTag({ path: path.join(process.cwd(), "node_modules/axe-core/axe.min.js") });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: () => Promise<{ violations: { id: string; help: string }[] }> } }
    ).axe;
    return (await axe.run()).violations.map((v) => `${v.id}: ${v.help}`);
  });
  expect(violations).toEqual([]);
}

const shoot = (page: Page, name: string) => shootWidths(page, "accounts", name);

test("the first admin signs in with ADMIN_EMAIL/ADMIN_PASSWORD, starts a task that shows their name, makes a token", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto(`${server.url}/`);
  await expect(page).toHaveURL(`${server.url}/sign-in?next=%2F`);
  await expect(page.getByRole("button", { name: "Sign in with Test SSO" })).toBeVisible();
  await expectNoAxeViolations(page);
  await shoot(page, "sign-in");

  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  const wrong = page.getByText("That email and password don't match an account on this team.");
  await expect(wrong).toBeVisible();
  await page.getByLabel("Email").fill("nobody@example.com");
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(wrong).toBeVisible();

  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(`${server.url}/`);
  const cookie = (await page.context().cookies()).find((c) => c.name === "retake.session_token");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });

  await chooseModel(page, "veoFast");
  await setVideo(page, server.url, SAMPLE.landscape);
  const prompt = uniquePrompt("Started by the admin");
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(prompt);
  await page.getByRole("button", { name: "Generate" }).click();
  await expectPlayableResult(page, prompt);
  await expect(cardFor(page, prompt).getByText("Started by ada")).toBeVisible();
  await page.getByRole("button", { name: "Mine" }).click();
  await expect(cardFor(page, prompt)).toBeVisible();
  await expectNoAxeViolations(page);
  await shoot(page, "studio");

  await page.getByRole("link", { name: "API tokens" }).click();
  await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel("Token name").fill("render script");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = await page.getByRole("textbox", { name: "New token" }).inputValue();
  expect(token).toMatch(/^rtk_/);
  await expectNoAxeViolations(page);
  await shoot(page, "tokens");
  const list = await fetch(`${server.url}/api/generations`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(list.status).toBe(200);
  // A token opens the three generation routes only.
  const events = await fetch(`${server.url}/api/tokens`, { headers: { Authorization: `Bearer ${token}` } });
  expect(events.status).toBe(403);
  await page.getByRole("button", { name: "Revoke render script" }).click();
  await expect(page.getByText("No tokens yet.")).toBeVisible();
  const after = await fetch(`${server.url}/api/generations`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(after.status).toBe(401);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  const replay = await fetch(`${server.url}/api/generations`, {
    headers: { Cookie: `retake.session_token=${cookie!.value}` },
  });
  expect(replay.status).toBe(401);
});

async function ssoSignIn(page: Page, email: string) {
  await page.goto(`${server.url}/sign-in`);
  await page.getByRole("button", { name: "Sign in with Test SSO" }).click();
  await expect(page).toHaveURL(new RegExp(`^${ISSUER}/`));
  await page.getByPlaceholder("Enter any login").fill(email);
  await page.getByPlaceholder("and password").fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
  const consent = page.getByRole("button", { name: "Continue" });
  if (await consent.isVisible({ timeout: 5_000 }).catch(() => false)) await consent.click();
}

test("single sign-on: a verified email on TEAM_EMAIL_DOMAINS joins as a member", async ({ page }) => {
  await ssoSignIn(page, "kim@example.com");
  await expect(page).toHaveURL(`${server.url}/`);
  await expect(page.getByText("SSO kim")).toBeVisible();
  const me = await page.request.get(`${server.url}/api/session`);
  expect(await me.json()).toMatchObject({
    signedIn: true,
    user: { email: "kim@example.com", role: "member" },
  });
});

test("single sign-on: an email on no team domain and with no invite is refused with a clear message", async ({
  page,
}) => {
  await ssoSignIn(page, "outsider@elsewhere.org");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("alert").filter({ hasText: "This account is not on the team." })).toBeVisible();
  await expectNoAxeViolations(page);
  await shoot(page, "sign-in-refused");
  const me = await page.request.get(`${server.url}/api/session`);
  expect(await me.json()).toMatchObject({ signedIn: false });
});
