import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { HealthStatus } from "@/components/HealthStatus";
import { ItemList } from "@/components/ItemList";
import { Pagination } from "@/components/Pagination";
import { ApiError } from "@/lib/api/errors";

const item = (id: number, description: string | null = null) => ({
  id,
  name: `Item ${id}`,
  description,
  created_at: "2026-01-01T12:00:00Z",
  updated_at: "2026-01-01T12:00:00Z",
});

describe("ItemList", () => {
  it("lists the items with their descriptions", () => {
    render(
      <ItemList
        result={{
          ok: true,
          data: { items: [item(1, "First"), item(2)], total: 2, limit: 20, offset: 0 },
        }}
      />,
    );
    expect(screen.getByText("2 items")).toBeInTheDocument();
    expect(screen.getAllByRole("heading", { level: 3 }).map((h) => h.textContent)).toEqual([
      "Item 1",
      "Item 2",
    ]);
    expect(screen.getByText("First")).toBeInTheDocument();
  });

  it("says 1 item in the singular", () => {
    render(
      <ItemList
        result={{ ok: true, data: { items: [item(1)], total: 1, limit: 20, offset: 0 } }}
      />,
    );
    expect(screen.getByText("1 item")).toBeInTheDocument();
  });

  it("shows an empty state with a way to create the first item", () => {
    render(<ItemList result={{ ok: true, data: { items: [], total: 0, limit: 20, offset: 0 } }} />);
    expect(screen.getByText("No items yet.")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Create the first one" })).toHaveAttribute(
      "href",
      "/new",
    );
  });

  it("shows an error state when the backend failed", () => {
    render(<ItemList result={{ ok: false, error: ApiError.unreachable(new Error("refused")) }} />);
    expect(screen.getByRole("alert")).toHaveTextContent("The items could not be loaded");
    expect(screen.getByRole("alert")).toHaveTextContent("unreachable (refused)");
  });
});

describe("HealthStatus", () => {
  it("shows a healthy backend", () => {
    render(<HealthStatus result={{ ok: true, data: { status: "ok" } }} />);
    expect(screen.getByRole("status", { name: "Backend health" })).toHaveTextContent(
      "Backend healthy",
    );
  });

  it("shows an unavailable backend", () => {
    render(
      <HealthStatus result={{ ok: false, error: new ApiError(503, "unavailable", "down") }} />,
    );
    expect(screen.getByRole("status")).toHaveTextContent("Backend unavailable");
  });
});

describe("Pagination", () => {
  it("renders nothing when everything fits on one page", () => {
    const { container } = render(<Pagination total={3} limit={20} offset={0} />);
    expect(container).toBeEmptyDOMElement();
  });

  it("links to the next page from the first", () => {
    render(<Pagination total={45} limit={20} offset={0} />);
    expect(screen.queryByRole("link", { name: "Previous" })).toBeNull();
    expect(screen.getByRole("link", { name: "Next" })).toHaveAttribute("href", "/?offset=20");
  });

  it("links both ways from a middle page, and back to / from the second", () => {
    render(<Pagination total={45} limit={20} offset={20} />);
    expect(screen.getByRole("link", { name: "Previous" })).toHaveAttribute("href", "/");
    expect(screen.getByRole("link", { name: "Next" })).toHaveAttribute("href", "/?offset=40");
  });

  it("links only back from the last page", () => {
    render(<Pagination total={45} limit={20} offset={40} />);
    expect(screen.getByRole("link", { name: "Previous" })).toHaveAttribute("href", "/?offset=20");
    expect(screen.queryByRole("link", { name: "Next" })).toBeNull();
  });
});
