import { expect, test } from "@playwright/test";
import { SAMPLE, cardFor, chooseModel, expectPlayableResult, setVideo, uniquePrompt } from "./helpers";
import { type OwnServer, startOwnServer } from "./server";

const PASSCODE = "open-sesame-42";
let server: OwnServer;

test.beforeAll(async () => {
  server = await startOwnServer(Number(process.env.E2E_AUTH_PORT ?? 3212), { ACCESS_PASSCODE: PASSCODE });
});
test.afterAll(async () => {
  await server.stop();
});

test("with a passcode, the studio asks to sign in; the right passcode lets a task run; sign-out ends it", async ({
  page,
}) => {
  test.setTimeout(90_000);
  await page.goto(`${server.url}/`);
  await expect(page).toHaveURL(`${server.url}/sign-in?next=%2F`);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

  // The API refuses without a session, whatever a forged proxy header says.
  const refused = await page.request.get(`${server.url}/api/generations`, {
    headers: { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" },
  });
  expect(refused.status()).toBe(401);

  await page.getByLabel("Team passcode").fill("not-the-passcode");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("That passcode is not right.")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);

  await page.getByLabel("Team passcode").fill(PASSCODE);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${server.url}/`);
  const cookie = (await page.context().cookies()).find((c) => c.name === "retake_session");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });

  await chooseModel(page, "veoFast");
  await setVideo(page, server.url, SAMPLE.landscape);
  const prompt = uniquePrompt("Signed in and running");
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill(prompt);
  await page.getByRole("button", { name: "Generate" }).click();
  await expectPlayableResult(page, prompt);
  await expect(cardFor(page, prompt)).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto(`${server.url}/`);
  await expect(page).toHaveURL(/\/sign-in\?next=%2F/);

  // The old cookie is revoked on the server, so replaying it gets nothing.
  const replay = await fetch(`${server.url}/api/generations`, {
    headers: { Cookie: `retake_session=${cookie!.value}` },
  });
  expect(replay.status).toBe(401);
});
