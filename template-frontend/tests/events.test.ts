import { describe, expect, it } from "vitest";

import { EVENT_TYPES, parseEvent } from "@/lib/events";

const item = {
  id: 7,
  name: "Lamp",
  description: null,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

describe("parseEvent", () => {
  it("listens for every event the backend's contracts name", () => {
    expect([...EVENT_TYPES].sort()).toEqual(["item.created", "item.deleted", "item.updated"]);
  });

  it.each(["item.created", "item.updated"] as const)("reads %s with its item", (type) => {
    expect(parseEvent(type, JSON.stringify(item))).toEqual({ type, item });
  });

  it("reads item.deleted with its id", () => {
    expect(parseEvent("item.deleted", '{"id": 7}')).toEqual({ type: "item.deleted", id: 7 });
  });

  it.each([
    ["item.created", "not json"],
    ["item.created", '{"id": 7}'],
    ["item.deleted", '{"id": "7"}'],
    ["item.updated", JSON.stringify({ ...item, updated_at: "yesterday" })],
  ] as const)("ignores %s with data %s", (type, data) => {
    expect(parseEvent(type, data)).toBeNull();
  });
});
