import { z } from "zod";

import type { Item } from "./api/types";

export const EVENT_TYPES = ["item.created", "item.updated", "item.deleted"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const item = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
const deleted = z.object({ id: z.number().int() });

export type LiveEvent =
  { type: "item.created" | "item.updated"; item: Item } | { type: "item.deleted"; id: number };

/** One event from the backend's stream, or null when its data does not match the contract. */
export function parseEvent(type: EventType, data: string): LiveEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  if (type === "item.deleted") {
    const parsed = deleted.safeParse(json);
    return parsed.success ? { type, id: parsed.data.id } : null;
  }
  const parsed = item.safeParse(json);
  return parsed.success ? { type, item: parsed.data } : null;
}
