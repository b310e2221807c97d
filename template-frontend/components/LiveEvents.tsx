"use client";

import { useEffect, useRef, useState } from "react";

import { EVENT_TYPES, parseEvent, type LiveEvent } from "@/lib/events";

type Status = "connecting" | "open" | "reconnecting" | "closed";
type Received = LiveEvent & { key: number; at: string };

const STATUS_TEXT: Record<Status, string> = {
  connecting: "Connecting…",
  open: "Connected",
  reconnecting: "Connection lost, reconnecting…",
  closed: "Disconnected",
};

/** Shows the backend's Server-Sent Events as they arrive, newest first. */
export function LiveEvents({ url, max = 50 }: { url: string; max?: number }) {
  const [status, setStatus] = useState<Status>("connecting");
  const [events, setEvents] = useState<Received[]>([]);
  const counter = useRef(0);

  useEffect(() => {
    const source = new EventSource(url);
    source.onopen = () => setStatus("open");
    source.onerror = () =>
      setStatus(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
    const listeners = EVENT_TYPES.map((type) => {
      const listener = (message: MessageEvent<string>) => {
        const event = parseEvent(type, message.data);
        if (!event) return;
        counter.current += 1;
        const received = { ...event, key: counter.current, at: new Date().toISOString() };
        setEvents((previous) => [received, ...previous].slice(0, max));
      };
      source.addEventListener(type, listener);
      return [type, listener] as const;
    });
    return () => {
      for (const [type, listener] of listeners) source.removeEventListener(type, listener);
      source.close();
    };
  }, [url, max]);

  return (
    <section aria-label="Events" className="space-y-3">
      <p role="status" className="text-sm text-slate-600">
        {STATUS_TEXT[status]}
      </p>
      {events.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600">
          Waiting for events. Create an item to see one arrive.
        </p>
      ) : (
        <ol className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
          {events.map((event) => (
            <li key={event.key} className="flex items-baseline gap-3 px-4 py-2 text-sm">
              <code className="rounded bg-slate-100 px-1.5 py-0.5">{event.type}</code>
              <span>
                {event.type === "item.deleted"
                  ? `#${event.id}`
                  : `#${event.item.id} ${event.item.name}`}
              </span>
              <time dateTime={event.at} className="ml-auto text-xs text-slate-500">
                {event.at.slice(11, 19)}
              </time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
