import { act, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { LiveEvents } from "@/components/LiveEvents";

// A stand-in for the browser's EventSource that the test drives by hand.
class FakeEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static last: FakeEventSource | undefined;
  readyState = FakeEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;

  constructor(readonly url: string) {
    super();
    FakeEventSource.last = this;
  }

  open() {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.();
  }

  fail(readyState: number) {
    this.readyState = readyState;
    this.onerror?.();
  }

  emit(type: string, data: string) {
    this.dispatchEvent(new MessageEvent(type, { data }));
  }

  close = vi.fn(() => {
    this.readyState = FakeEventSource.CLOSED;
  });
}

const item = (id: number) =>
  JSON.stringify({
    id,
    name: `Item ${id}`,
    description: null,
    created_at: "2026-01-01T12:00:00Z",
    updated_at: "2026-01-01T12:00:00Z",
  });

beforeEach(() => {
  vi.stubGlobal("EventSource", FakeEventSource);
});

afterEach(() => {
  FakeEventSource.last = undefined;
});

function source(): FakeEventSource {
  if (!FakeEventSource.last) throw new Error("no EventSource was opened");
  return FakeEventSource.last;
}

describe("LiveEvents", () => {
  it("connects to the given URL and shows events as they arrive, newest first", () => {
    render(<LiveEvents url="/api/events" />);
    expect(source().url).toBe("/api/events");
    expect(screen.getByRole("status")).toHaveTextContent("Connecting…");
    expect(screen.getByText(/Waiting for events/)).toBeInTheDocument();

    act(() => source().open());
    expect(screen.getByRole("status")).toHaveTextContent("Connected");

    act(() => source().emit("item.created", item(1)));
    act(() => source().emit("item.updated", item(1)));
    act(() => source().emit("item.deleted", '{"id": 1}'));
    act(() => source().emit("item.created", "not json"));
    expect(screen.getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      expect.stringMatching(/^item\.deleted#1/),
      expect.stringMatching(/^item\.updated#1 Item 1/),
      expect.stringMatching(/^item\.created#1 Item 1/),
    ]);
  });

  it("keeps only the latest events", () => {
    render(<LiveEvents url="/api/events" max={2} />);
    for (const id of [1, 2, 3]) act(() => source().emit("item.created", item(id)));
    expect(screen.getAllByRole("listitem")).toHaveLength(2);
    expect(screen.queryByText("#1 Item 1")).toBeNull();
  });

  it("shows reconnects and closed connections", () => {
    render(<LiveEvents url="/api/events" />);
    act(() => source().fail(FakeEventSource.CONNECTING));
    expect(screen.getByRole("status")).toHaveTextContent("reconnecting");
    act(() => source().fail(FakeEventSource.CLOSED));
    expect(screen.getByRole("status")).toHaveTextContent("Disconnected");
  });

  it("closes the connection when it goes away", () => {
    const { unmount } = render(<LiveEvents url="/api/events" />);
    const opened = source();
    unmount();
    expect(opened.close).toHaveBeenCalled();
  });
});
