import { describe, expect, it } from "vitest";

import { validateItemInput } from "@/lib/item-input";

describe("validateItemInput", () => {
  it("trims, and turns an empty description into null", () => {
    expect(validateItemInput({ name: "  Lamp ", description: "   " })).toEqual({
      ok: true,
      data: { name: "Lamp", description: null },
    });
  });

  it("keeps a description", () => {
    expect(validateItemInput({ name: "Lamp", description: "Bright" })).toEqual({
      ok: true,
      data: { name: "Lamp", description: "Bright" },
    });
  });

  it("reports each field's first problem", () => {
    expect(validateItemInput({ name: " ", description: "x".repeat(1001) })).toEqual({
      ok: false,
      errors: {
        name: "Name is required",
        description: "Description must be at most 1000 characters",
      },
    });
    expect(validateItemInput({ name: "n".repeat(101), description: "" })).toEqual({
      ok: false,
      errors: { name: "Name must be at most 100 characters" },
    });
  });

  it("reports missing fields", () => {
    const result = validateItemInput({});
    expect(result.ok).toBe(false);
    expect(!result.ok && Object.keys(result.errors).sort()).toEqual(["description", "name"]);
  });
});
