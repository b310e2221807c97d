export const REQUEST_ID_HEADER = "x-request-id";

// Ids from outside are echoed into logs and upstream headers: accept only short, plain tokens.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's request id when it is a safe token, else a fresh one. */
export function requestIdFrom(headers: Pick<Headers, "get">): string {
  const incoming = headers.get(REQUEST_ID_HEADER);
  return incoming && SAFE_ID.test(incoming) ? incoming : crypto.randomUUID();
}
