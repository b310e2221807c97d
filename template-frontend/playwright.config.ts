import { existsSync } from "node:fs";

import { chromium, defineConfig, devices } from "@playwright/test";

import { API_PREFIX, BASE_PATH } from "./lib/service";

// Ports are settings so that parallel runs (and CI) never collide.
const appPort = Number(process.env.E2E_APP_PORT ?? 3199);
const mockPort = Number(process.env.E2E_MOCK_PORT ?? 4011);
export const METRICS_PORT = Number(process.env.E2E_METRICS_PORT ?? 3198);
// A system Chromium instead of Playwright's own download, e.g. CHROMIUM_PATH=/usr/bin/chromium;
// without one, Debian's Chromium stands in when Playwright's is not installed.
const SYSTEM_CHROMIUM = "/usr/bin/chromium";
const chromiumPath =
  process.env.CHROMIUM_PATH ||
  (!existsSync(chromium.executablePath()) && existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : "");
const headlessArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const mockSpec = "node_modules/.cache/openapi-mock.json";
const ci = Boolean(process.env.CI);

export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  forbidOnly: ci,
  retries: ci ? 1 : 0,
  workers: ci ? 2 : undefined,
  reporter: ci ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    // Trailing slash: tests use relative paths, so they follow the app's basePath.
    baseURL: `http://127.0.0.1:${appPort}${BASE_PATH}/`,
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: chromiumPath ? { executablePath: chromiumPath, args: headlessArgs } : {},
      },
    },
  ],
  webServer: [
    {
      // The contract-driven mock: answers from openapi.json, so no backend repo is needed.
      // Prism ignores base paths, so the document is first moved under the API prefix.
      command: [
        `mkdir -p node_modules/.cache`,
        `node mock/openapi-at-prefix.mjs openapi.json ${mockSpec} ${API_PREFIX}`,
        `prism mock --host 127.0.0.1 --port ${mockPort} ${mockSpec}`,
      ].join(" && "),
      env: { SCARF_ANALYTICS: "false" },
      url: `http://127.0.0.1:${mockPort}${API_PREFIX}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // The production build, as `make build` left it.
      command: `next start --hostname 127.0.0.1 --port ${appPort}`,
      url: `http://127.0.0.1:${appPort}${BASE_PATH}/healthz`,
      env: {
        BACKEND_URL: `http://127.0.0.1:${mockPort}`,
        METRICS_PORT: String(METRICS_PORT),
        LOG_LEVEL: "warn",
      },
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
