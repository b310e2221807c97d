import type { Item } from "./api/types";
import { Item as ItemContract } from "./api/validators";

export const EVENT_TYPES = ["item.created", "item.updated", "item.deleted"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

// The data of each event is the backend's contract, generated from its OpenAPI document: the
// item itself, or only the id of a deleted one.
const deleted = ItemContract.pick({ id: true });

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
  const parsed = ItemContract.safeParse(json);
  return parsed.success ? { type, item: parsed.data } : null;
}
