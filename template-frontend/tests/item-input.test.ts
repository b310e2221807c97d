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

  it("refuses a name of only white space, as the backend does", () => {
    for (const name of [" ", "\t\n  "]) {
      expect(validateItemInput({ name, description: "" })).toEqual({
        ok: false,
        errors: { name: "Name is required" },
      });
    }
  });

  it("refuses characters the backend refuses", () => {
    expect(validateItemInput({ name: "Lamp\u0000", description: "Bright\u0000" })).toEqual({
      ok: false,
      errors: {
        name: "Name contains characters that are not allowed",
        description: "Description contains characters that are not allowed",
      },
    });
  });

  it("reports a missing name; a missing description is none", () => {
    expect(validateItemInput({})).toEqual({ ok: false, errors: { name: "Name is required" } });
    expect(validateItemInput({ name: "Lamp" })).toEqual({
      ok: true,
      data: { name: "Lamp", description: null },
    });
  });
});
