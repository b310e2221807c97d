import { describe, expect, it } from "vitest";

import { requestIdFrom } from "@/lib/request-id";

describe("requestIdFrom", () => {
  it("keeps a safe incoming id", () => {
    expect(requestIdFrom(new Headers({ "x-request-id": "abc-123_x.y:z" }))).toBe("abc-123_x.y:z");
  });

  it.each([[""], ["has space"], ["x".repeat(129)], ["<script>"]])(
    "replaces an unsafe id %j with a fresh uuid",
    (incoming) => {
      const id = requestIdFrom(new Headers(incoming ? { "x-request-id": incoming } : {}));
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it("generates a different id each time", () => {
    expect(requestIdFrom(new Headers())).not.toBe(requestIdFrom(new Headers()));
  });
});
