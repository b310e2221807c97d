import { expect, test } from "@playwright/test";

import { BROWSER_API_PATH } from "../lib/routes";
import { API_PREFIX } from "../lib/service";

// The API as the browser reaches it, relative to the app (see lib/routes.ts).
const API = API_PREFIX.slice(1);

// The app runs its production build against the mock API (Prism on openapi.json), which
// answers with the examples of openapi.json. Paths are relative to honour the basePath.

test("home shows the backend's health and the items the API returns", async ({ page, request }) => {
  const api = await request.get(`${API}/items?limit=20&offset=0`);
  expect(api.ok()).toBe(true);
  const { items, total } = (await api.json()) as { items: { name: string }[]; total: number };
  expect(items.length).toBeGreaterThan(0);

  await page.goto("./");
  await expect(page.getByRole("status", { name: "Backend health" })).toHaveText("Backend healthy");
  const list = page.getByRole("region", { name: "Items" });
  await expect(list.getByText(`${total} item${total === 1 ? "" : "s"}`)).toBeVisible();
  await expect(list.getByRole("heading", { level: 3 })).toHaveText(items.map((item) => item.name));
});

test("the create form checks input, then creates the item through the API", async ({ page }) => {
  await page.goto("new");
  await page.getByRole("button", { name: "Create item" }).click();
  await expect(page.getByText("Name is required")).toBeVisible();

  await page.getByLabel("Name").fill("Desk lamp");
  await page.getByLabel(/Description/).fill("Warm light");
  const posted = page.waitForRequest((req) => req.method() === "POST");
  await page.getByRole("button", { name: "Create item" }).click();
  expect((await posted).postDataJSON()).toEqual({ name: "Desk lamp", description: "Warm light" });
  await expect(page.getByRole("status")).toContainText(/Created “.+” \(#\d+\)/);
});

test("the live page shows the backend's events as they arrive", async ({ page }) => {
  // The mock cannot invent a stream of events: this one comes from the test, in the
  // backend's format, to the URL the page subscribes to.
  const item = {
    id: 7,
    name: "Desk lamp",
    description: null,
    created_at: "2026-01-01T12:00:00Z",
    updated_at: "2026-01-01T12:00:00Z",
  };
  const stream = [
    "retry: 600000\n\n",
    `event: item.created\ndata: ${JSON.stringify(item)}\n\n`,
    ": heartbeat\n\n",
    `event: item.updated\ndata: ${JSON.stringify({ ...item, name: "Floor lamp" })}\n\n`,
    'event: item.deleted\ndata: {"id": 7}\n\n',
  ].join("");
  await page.route(`**${BROWSER_API_PATH}/events`, (route) =>
    route.fulfill({ status: 200, contentType: "text/event-stream", body: stream }),
  );
  await page.goto("live");
  const events = page.getByRole("region", { name: "Events" }).getByRole("listitem");
  await expect(events).toHaveCount(3);
  await expect(events.nth(0)).toContainText("item.deleted#7");
  await expect(events.nth(1)).toContainText("item.updated#7 Floor lamp");
  await expect(events.nth(2)).toContainText("item.created#7 Desk lamp");
});

test("navigation reaches every page", async ({ page }) => {
  await page.goto("./");
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "New item" }).click();
  await expect(page.getByRole("heading", { name: "New item" })).toBeVisible();
  await nav.getByRole("link", { name: "Live events" }).click();
  await expect(page.getByRole("heading", { name: "Live events" })).toBeVisible();
  await nav.getByRole("link", { name: "Items" }).click();
  await expect(page.getByRole("heading", { name: "Items" })).toBeVisible();
});
