import createClient from "openapi-fetch";

import { BROWSER_API_PATH } from "../routes";
import { settle, type ApiResult } from "./result";
import type { paths } from "./schema";
import type { Item, ItemCreate } from "./types";

/** A typed client for browser calls: same origin, under the backend's prefix. */
export function browserClient(origin: string = window.location.origin) {
  return createClient<paths>({ baseUrl: `${origin}${BROWSER_API_PATH}` });
}

export async function createItem(
  input: ItemCreate,
  client = browserClient(),
): Promise<ApiResult<Item>> {
  return settle(() => client.POST("/items", { body: input }));
}
