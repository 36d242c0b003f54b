import fs from "node:fs";
import { type Browser, type Page, expect, test } from "@playwright/test";
import { SUBMIT_PATH, TASK_PATH, foxTask, startFakeFoxApi } from "../lib/testing/fake-foxapi";
import { expectNoAxeViolations } from "./axe";
import { SAMPLE, cardFor, chooseModel, setVideo, uniquePrompt, shootWidths } from "./helpers";
import { type OwnServer, startOwnServer } from "./server";

/*
 * The team story (issue 12) in Chromium, against a fake FoxAPI on loopback so every upstream call is counted: the
 * admin invites a member, the member accepts and starts a task, the admin sees it in /usage under the member's
 * name and downloads the CSV; a member over their daily limit is refused with nothing sent upstream; removing
 * them stops their open browser and their token at once.
 */
const PORT = Number(process.env.E2E_TEAM_PORT ?? 3270);
const ADMIN = { email: "ada@example.com", password: "admin-pass-1234" };

const shoot = (page: Page, name: string) => shootWidths(page, "team", name);

/** The same page in Chinese, then back to English (the Language cookie next-intl reads). */
async function shootBothLanguages(page: Page, url: string, name: string) {
  await shoot(page, `${name}-en`);
  await page.context().addCookies([{ name: "NEXT_LOCALE", value: "zh-CN", url }]);
  await page.reload();
  await expectNoAxeViolations(page, `${name} in Chinese`);
  await shoot(page, `${name}-zh`);
  await page.context().addCookies([{ name: "NEXT_LOCALE", value: "en", url }]);
  await page.reload();
}

async function startVeo(page: Page, base: string, prompt: string) {
  await chooseModel(page, "veo");
  await setVideo(page, base, SAMPLE.landscape);
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(prompt);
  await page.getByRole("button", { name: "Generate" }).click();
}

async function newPerson(browser: Browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  return context.newPage();
}

let server: OwnServer;
test.afterAll(async () => {
  await server?.stop();
});

test("admin invites a member, who starts a task; a daily limit refuses before spending; Remove ends their browser and token at once", async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  const fake = await startFakeFoxApi();
  const base = `http://127.0.0.1:${String(PORT)}`;
  let made = 0;
  fake.on("POST", SUBMIT_PATH, () => ({
    json: foxTask({ id: `task-team-${String(++made)}`, status: "pending", usage: { credits_reserved: 25 } }),
  }));
  fake.on("GET", TASK_PATH, (req) => ({
    json: foxTask({
      id: decodeURIComponent(req.pathname.split("/").pop()!),
      status: "completed",
      progress: 100,
      results: [{ url: `${base}${SAMPLE.landscape}` }],
      usage: { credits_reserved: 25 },
    }),
  }));
  server = await startOwnServer(PORT, {
    AUTH_MODE: "accounts",
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    FOXAPI_BASE_URL: fake.url,
    FOXAPI_API_KEY: "team-key",
  });

  // The admin signs in and invites Mia.
  await page.goto(`${base}/sign-in`);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(`${base}/`);
  const adas = uniquePrompt("Ada's own take");
  await startVeo(page, base, adas);
  await expect(cardFor(page, adas).getByText("Started by ada")).toBeVisible();
  await page.getByRole("link", { name: "Team", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Team", exact: true })).toBeVisible();
  const inviteForm = page.getByRole("form", { name: "Invite someone" });
  await inviteForm.getByLabel("Email").fill("not an email");
  await inviteForm.getByRole("button", { name: "Invite" }).click();
  await expect(page.getByText("Enter an email address, like name@example.com.")).toBeVisible();
  await inviteForm.getByLabel("Email").fill("mia@example.com");
  await inviteForm.getByLabel("Role").selectOption({ label: "Member" });
  await inviteForm.getByRole("button", { name: "Invite" }).click();
  const link = await page.getByRole("textbox", { name: "Invite link" }).inputValue();
  expect(link).toMatch(new RegExp(`^${base}/invite/[A-Za-z0-9_-]{43}$`));
  await expect(page.getByRole("list", { name: "Pending invites" })).toContainText("mia@example.com");
  await expectNoAxeViolations(page, "/team with an invite made");

  // Mia opens the link in her own browser, chooses a password, and is in.
  const mia = await newPerson(browser);
  await mia.goto(link);
  await expect(mia.getByRole("heading", { name: "Join the team" })).toBeVisible();
  await expect(mia.getByText("You're invited to Retake as mia@example.com (Member).")).toBeVisible();
  await expectNoAxeViolations(mia, "the invite page");
  await shootBothLanguages(mia, base, "invite");
  await mia.getByLabel("Your name").fill("Mia");
  await mia.getByLabel("Password").fill("mia-pass-1234");
  await mia.getByRole("button", { name: "Join and sign in" }).click();
  await expect(mia).toHaveURL(`${base}/`);
  // A member has no Team link, is sent back from /team, and its API answers her 403.
  await expect(mia.getByRole("link", { name: "Team", exact: true })).toHaveCount(0);
  await mia.goto(`${base}/team`);
  await expect(mia).toHaveURL(`${base}/`);
  expect((await mia.request.get(`${base}/api/team`)).status()).toBe(403);
  expect((await mia.request.get(`${base}/api/team/activity`)).status()).toBe(403);
  // The link is spent.
  const spent = await newPerson(browser);
  await spent.goto(link);
  await expect(spent.getByRole("alert").filter({ hasText: "This invite link can't be used" })).toBeVisible();
  await spent.context().close();

  // Her personal token, for the script she will run.
  await mia.getByRole("link", { name: "API tokens" }).click();
  await mia.getByLabel("Token name").fill("mia's script");
  await mia.getByRole("button", { name: "Create token" }).click();
  const token = await mia.getByRole("textbox", { name: "New token" }).inputValue();
  expect(token).toMatch(/^rtk_/);

  // Mia starts a task: it carries her name.
  await mia.goto(`${base}/`);
  const first = uniquePrompt("Mia's first take");
  await startVeo(mia, base, first);
  await expect(cardFor(mia, first).getByText("Started by Mia")).toBeVisible();
  await expect(cardFor(mia, first).getByText("Completed", { exact: true })).toBeVisible({ timeout: 60_000 });
  expect(fake.requestsTo("POST", SUBMIT_PATH)).toHaveLength(2);

  // The admin sees it in /usage under Mia's name, with what FoxAPI reserved, and downloads the CSV.
  await page.getByRole("link", { name: "Usage", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Usage", exact: true })).toBeVisible();
  const usageRow = page.getByRole("row").filter({ hasText: "Mia" });
  await expect(usageRow).toHaveCount(1);
  await expect(usageRow).toContainText("Veo 3.1 Extend");
  await expect(usageRow.getByRole("cell").nth(2)).toHaveText("1");
  await expect(usageRow.getByRole("cell").nth(3)).toContainText("25");
  await expectNoAxeViolations(page, "/usage");
  await shootBothLanguages(page, base, "usage");
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^retake-usage-day-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = fs.readFileSync((await file.path())!, "utf8");
  // A byte order mark first, so Excel reads the names as UTF-8.
  expect(csv.startsWith("\uFEFFperson,")).toBe(true);
  expect(csv.slice(1).split("\r\n")).toEqual(
    expect.arrayContaining([
      "person,email,model,tasks,credits_reserved,tasks_with_credits",
      "Mia,mia@example.com,Veo 3.1 Extend,1,25,1",
    ]),
  );
  // Mia sees only her own row.
  await mia.goto(`${base}/usage`);
  await expect(mia.getByRole("row").filter({ hasText: "Mia" })).toHaveCount(1);
  await expect(mia.getByRole("row").filter({ hasText: "ada" })).toHaveCount(0);

  // The admin gives Mia a daily limit of 1.
  await page.goto(`${base}/team`);
  const row = page.getByRole("list", { name: "People" }).getByRole("listitem", { name: "Mia" });
  await expect(row).toContainText("mia@example.com");
  await row.getByLabel("Daily limit").fill("1");
  await row.getByRole("button", { name: "Save daily limit" }).click();
  await expect(page.getByText("Mia's daily limit is now 1 task.")).toBeVisible();
  await expect(row.getByLabel("Daily limit")).toHaveValue("1");

  // Over her limit: a clear refusal, and nothing goes upstream.
  await mia.goto(`${base}/`);
  await chooseModel(mia, "veo");
  await setVideo(mia, base, SAMPLE.landscape);
  await mia.getByRole("textbox", { name: "Prompt", exact: true }).fill(uniquePrompt("One too many"));
  await mia.getByRole("button", { name: "Generate" }).click();
  // The studio knows her limit before sending (the server would refuse the same, as the route tests show).
  await expect(
    mia.getByRole("alert").filter({ hasText: "Your daily limit of tasks is used up, so nothing was sent." }),
  ).toBeVisible();
  expect(fake.requestsTo("POST", SUBMIT_PATH)).toHaveLength(2);

  // The Activity list says who did what.
  await page.reload();
  const activity = page.getByRole("list", { name: "Activity" });
  await expect(activity).toContainText("ada invited mia@example.com as Member");
  await expect(activity).toContainText("mia@example.com joined as Member");
  await expect(activity).toContainText("Mia signed in");
  await expect(activity).toContainText("ada changed mia@example.com's daily limit from No limit to 1");
  await expectNoAxeViolations(page, "/team with people and activity");
  await shootBothLanguages(page, base, "team");

  // Remove: her open browser and her token stop at once.
  const bearer = { Authorization: `Bearer ${token}` };
  expect((await fetch(`${base}/api/generations`, { headers: bearer })).status).toBe(200);
  const miaRow = page.getByRole("list", { name: "People" }).getByRole("listitem", { name: "Mia" });
  await miaRow.getByRole("button", { name: "Remove Mia" }).click();
  await miaRow.getByRole("button", { name: "Yes, remove" }).click();
  await expect(page.getByText("Mia was removed: their sessions and tokens no longer work.")).toBeVisible();
  await expect(page.getByRole("list", { name: "People" }).getByRole("listitem", { name: "Mia" })).toHaveCount(
    0,
  );
  expect(await mia.evaluate(() => fetch("/api/generations").then((r) => r.status))).toBe(401);
  expect((await fetch(`${base}/api/generations`, { headers: bearer })).status).toBe(401);
  await mia.reload();
  await expect(mia).toHaveURL(/\/sign-in/);
  await page.reload();
  await expect(page.getByRole("list", { name: "Activity" })).toContainText("ada removed mia@example.com");
  await mia.context().close();
  await fake.close();
});
