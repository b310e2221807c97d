import { expect, test } from "@playwright/test";

import { API_PREFIX } from "../lib/service";

// The API as the browser reaches it, relative to the app (see lib/routes.ts).
const API = API_PREFIX.slice(1);

// The app runs its production build against the mock API (Prism on openapi.json), which
// answers with the examples of openapi.json. Paths are relative to honour the basePath.

test("home shows the backend's health and the items the API returns", async ({ page, request }) => {
  const api = await request.get(`${API}/items?limit=20&offset=0`);
  expect(api.ok()).toBe(true);
  const { items } = (await api.json()) as { items: { name: string }[] };
  expect(items.length).toBeGreaterThan(0);

  await page.goto("./");
  await expect(page.getByRole("status", { name: "Backend health" })).toHaveText("Backend healthy");
  const list = page.getByRole("region", { name: "Items" });
  for (const item of items) await expect(list.getByText(item.name, { exact: true })).toBeVisible();
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
  await page.goto("live");
  const events = page.getByRole("region", { name: "Events" });
  await expect(events.getByRole("listitem").first()).toContainText("item.created");
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
