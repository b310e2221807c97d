// @vitest-environment node
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { API_PREFIX } from "@/lib/service";

import { startUpstream } from "./upstream";

vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-request-id": "page-test" }),
}));

let upstream: Awaited<ReturnType<typeof startUpstream>>;
let healthy = true;

beforeAll(async () => {
  upstream = await startUpstream((request, response) => {
    response.setHeader("content-type", "application/json");
    if (!healthy) {
      response.statusCode = 503;
      response.end('{"error": {"code": "internal_error", "message": "Down", "details": []}}');
    } else if (request.url === `${API_PREFIX}/healthz`) {
      response.end('{"status": "ok"}');
    } else {
      response.end(
        JSON.stringify({
          items: [
            {
              id: 1,
              name: "Lamp",
              description: null,
              created_at: "2026-01-01T12:00:00Z",
              updated_at: "2026-01-01T12:00:00Z",
            },
          ],
          total: 30,
          limit: 20,
          offset: 0,
        }),
      );
    }
  });
});

beforeEach(() => {
  vi.stubEnv("BACKEND_URL", upstream.origin);
});

afterAll(() => upstream.close());

async function renderHome(searchParams: Record<string, string> = {}) {
  const { default: HomePage } = await import("@/app/page");
  return renderToStaticMarkup(await HomePage({ searchParams: Promise.resolve(searchParams) }));
}

describe("home page", () => {
  it("shows the backend's health and items, with paging", async () => {
    healthy = true;
    const html = await renderHome();
    expect(html).toContain("Backend healthy");
    expect(html).toContain("Lamp");
    expect(html).toContain('href="/?offset=20"');
  });

  it("renders an error state when the backend fails", async () => {
    healthy = false;
    const html = await renderHome({ offset: "20" });
    expect(html).toContain("Backend unavailable");
    expect(html).toContain("The items could not be loaded");
  });

  it("renders an error state when the backend is down", async () => {
    await upstream.close();
    const html = await renderHome();
    expect(html).toContain("The backend is unreachable");
  });
});

describe("server routes", () => {
  it("answers /healthz", async () => {
    const { GET } = await import("@/app/healthz/route");
    const response = GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });
});
