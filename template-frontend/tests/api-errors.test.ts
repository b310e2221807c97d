import { describe, expect, it } from "vitest";

import { ApiError, fieldErrors } from "@/lib/api/errors";

describe("ApiError", () => {
  it("reads the backend's error envelope", () => {
    const error = ApiError.fromResponse(422, {
      error: {
        code: "validation_error",
        message: "Invalid request",
        details: [{ loc: ["body", "name"], message: "too short" }],
      },
    });
    expect(error).toMatchObject({
      status: 422,
      code: "validation_error",
      message: "Invalid request",
      details: [{ loc: ["body", "name"], message: "too short" }],
    });
  });

  it("accepts details without a location", () => {
    const error = ApiError.fromResponse(500, {
      error: { code: "internal_error", message: "Boom", details: [{ message: "see logs" }] },
    });
    expect(error.details).toEqual([{ loc: [], message: "see logs" }]);
  });

  it("copes with a body that is not an envelope", () => {
    expect(ApiError.fromResponse(502, "<html>Bad gateway</html>")).toMatchObject({
      status: 502,
      code: "unexpected_response",
      message: "The backend answered HTTP 502",
    });
  });

  it("describes an unreachable backend", () => {
    expect(ApiError.unreachable(new TypeError("fetch failed"))).toMatchObject({
      status: 0,
      code: "backend_unavailable",
      message: "The backend is unreachable (fetch failed)",
    });
    expect(ApiError.unreachable("boom").message).toContain("boom");
  });
});

describe("fieldErrors", () => {
  it("groups messages by body field and keeps the rest under ''", () => {
    expect(
      fieldErrors([
        { loc: ["body", "name"], message: "Too short." },
        { loc: ["body", "name"], message: "Not unique." },
        { loc: ["query", "limit"], message: "Too big." },
        { loc: ["body"], message: "Not JSON." },
        { loc: [], message: "Try again." },
      ]),
    ).toEqual({ name: "Too short. Not unique.", "": "Too big. Not JSON. Try again." });
  });
});
