import { ApiError } from "./errors";

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

type FetchOutcome<T> = { data?: T; error?: unknown; response: Response };

/** Runs one openapi-fetch call and folds every way it can fail into an ApiError. */
export async function settle<T>(call: () => Promise<FetchOutcome<T>>): Promise<ApiResult<T>> {
  let outcome: FetchOutcome<T>;
  try {
    outcome = await call();
  } catch (cause) {
    return { ok: false, error: ApiError.unreachable(cause) };
  }
  const { data, error, response } = outcome;
  if (!response.ok || data === undefined) {
    return { ok: false, error: ApiError.fromResponse(response.status, error) };
  }
  return { ok: true, data };
}
