import createClient, { type Middleware } from "openapi-fetch";

import { getConfig } from "../config";
import { getLogger } from "../logger";
import { backendRequestDuration } from "../metrics";
import { REQUEST_ID_HEADER } from "../request-id";
import { API_PREFIX } from "../service";
import { settle, type ApiResult } from "./result";
import type { paths } from "./schema";
import type { Health, Item, ItemPage } from "./types";

const started = new WeakMap<Request, number>();

// Logs and times each backend call; the request id ties these lines to the backend's.
const observe: Middleware = {
  onRequest({ request }) {
    started.set(request, performance.now());
  },
  onResponse({ request, response }) {
    const seconds = (performance.now() - (started.get(request) ?? performance.now())) / 1000;
    const path = new URL(request.url).pathname;
    backendRequestDuration.observe(
      { method: request.method, status: String(response.status) },
      seconds,
    );
    getLogger().info(
      {
        request_id: request.headers.get(REQUEST_ID_HEADER),
        method: request.method,
        path,
        status: response.status,
        duration_ms: Math.round(seconds * 1000),
      },
      "backend call",
    );
  },
  onError({ request, error }) {
    getLogger().warn(
      { request_id: request.headers.get(REQUEST_ID_HEADER), method: request.method, err: error },
      "backend call failed",
    );
  },
};

/**
 * A typed client for server-side calls on the backend's internal URL, as the signed-in user
 * when an access token is given.
 */
export function backendClient(requestId: string, accessToken?: string) {
  const client = createClient<paths>({
    baseUrl: `${getConfig().BACKEND_URL}${API_PREFIX}`,
    headers: {
      [REQUEST_ID_HEADER]: requestId,
      ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
    },
    cache: "no-store",
  });
  client.use(observe);
  return client;
}

export async function getHealth(requestId: string): Promise<ApiResult<Health>> {
  return settle(() => backendClient(requestId).GET("/healthz"));
}

export async function listItems(
  page: { limit: number; offset: number },
  requestId: string,
  accessToken?: string,
): Promise<ApiResult<ItemPage>> {
  return settle(() =>
    backendClient(requestId, accessToken).GET("/items", { params: { query: page } }),
  );
}

export type { Item };
