import {
  EVENT_CONTRACTS,
  type ItemCreated,
  type ItemDeletedEvent,
  type ItemUpdated,
} from "./event-contracts";

export type EventType = keyof typeof EVENT_CONTRACTS;
export const EVENT_TYPES = Object.keys(EVENT_CONTRACTS) as EventType[];

// The SSE stream sends each event's type as the event name and its data (generated from the
// backend's event schemas): the item itself, or only the id of a deleted one.
export type LiveEvent =
  | { type: "item.created" | "item.updated"; item: (ItemCreated | ItemUpdated)["data"] }
  | { type: "item.deleted"; id: ItemDeletedEvent["data"]["id"] };

/** One event from the backend's stream, or null when its data does not match the contract. */
export function parseEvent(type: EventType, data: string): LiveEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  if (type === "item.deleted") {
    const parsed = EVENT_CONTRACTS[type].shape.data.safeParse(json);
    return parsed.success ? { type, id: parsed.data.id } : null;
  }
  const parsed = EVENT_CONTRACTS[type].shape.data.safeParse(json);
  return parsed.success ? { type, item: parsed.data } : null;
}
