import { expect, test } from "@playwright/test";

import { API_PREFIX } from "../lib/service";
import { METRICS_PORT } from "../playwright.config";

const API = API_PREFIX.slice(1);

test("/healthz answers without the backend", async ({ request }) => {
  const response = await request.get("healthz");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: "ok" });
});

test("metrics are served on their own port only", async ({ request }) => {
  expect((await request.get("metrics")).status()).toBe(404);
  const response = await request.get(`http://127.0.0.1:${METRICS_PORT}/metrics`);
  expect(response.status()).toBe(200);
  const body = await response.text();
  expect(body).toMatch(/^process_resident_memory_bytes \d+/m);
  expect(body).toMatch(/^nodejs_heap_size_used_bytes \d+/m);
});

test("API calls are forwarded to the backend with the request id", async ({ request }) => {
  const response = await request.get(`${API}/healthz`, { headers: { "x-request-id": "e2e-42" } });
  expect(response.status()).toBe(200);
  expect(response.headers()["x-request-id"]).toBe("e2e-42");
  expect(await response.json()).toEqual({ status: "ok" });
});

test("the event stream is forwarded unbuffered", async ({ request }) => {
  const response = await request.get(`${API}/events`, {
    headers: { accept: "text/event-stream" },
  });
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toMatch(/^text\/event-stream/);
  expect(response.headers()["cache-control"]).toBe("no-cache, no-transform");
});

test("an unknown page renders the not-found page", async ({ page }) => {
  const response = await page.goto("no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
