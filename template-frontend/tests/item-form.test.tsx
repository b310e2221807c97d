import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { ItemForm } from "@/components/ItemForm";
import { ApiError } from "@/lib/api/errors";
import { BROWSER_API_PATH } from "@/lib/routes";

const created = {
  id: 42,
  name: "Lamp",
  description: null,
  created_at: "2026-01-01T12:00:00Z",
  updated_at: "2026-01-01T12:00:00Z",
};

describe("ItemForm", () => {
  it("checks the input before sending anything", async () => {
    const submit = vi.fn();
    render(<ItemForm submit={submit} />);
    await userEvent.click(screen.getByRole("button", { name: "Create item" }));
    expect(screen.getByText("Name is required")).toBeInTheDocument();
    expect(screen.getByLabelText("Name")).toHaveAttribute("aria-invalid", "true");
    expect(submit).not.toHaveBeenCalled();
  });

  it("sends the validated item and confirms it", async () => {
    const submit = vi.fn().mockResolvedValue({ ok: true, data: created });
    render(<ItemForm submit={submit} />);
    await userEvent.type(screen.getByLabelText("Name"), "  Lamp  ");
    await userEvent.click(screen.getByRole("button", { name: "Create item" }));
    expect(submit).toHaveBeenCalledWith({ name: "Lamp", description: null });
    expect(await screen.findByRole("status")).toHaveTextContent("Created “Lamp” (#42).");
    expect(screen.getByLabelText("Name")).toHaveValue("");
  });

  it("shows the API's validation errors next to their fields", async () => {
    const error = new ApiError(422, "validation_error", "Invalid request", [
      { loc: ["body", "name"], message: "Name already taken" },
    ]);
    render(<ItemForm submit={vi.fn().mockResolvedValue({ ok: false, error })} />);
    await userEvent.type(screen.getByLabelText("Name"), "Lamp");
    await userEvent.click(screen.getByRole("button", { name: "Create item" }));
    expect(await screen.findByText("Name already taken")).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("Invalid request");
  });

  it("shows a failure that belongs to no field", async () => {
    const error = ApiError.unreachable(new Error("refused"));
    render(<ItemForm submit={vi.fn().mockResolvedValue({ ok: false, error })} />);
    await userEvent.type(screen.getByLabelText("Name"), "Lamp");
    await userEvent.type(screen.getByLabelText(/Description/), "x".repeat(3));
    await userEvent.click(screen.getByRole("button", { name: "Create item" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The backend is unreachable");
  });

  it("posts to the same-origin API by default", async () => {
    const fetchMock = vi.fn(async () => Response.json(created, { status: 201 }));
    vi.stubGlobal("fetch", fetchMock);
    render(<ItemForm />);
    await userEvent.type(screen.getByLabelText("Name"), "Lamp");
    await userEvent.click(screen.getByRole("button", { name: "Create item" }));
    expect(await screen.findByRole("status")).toHaveTextContent("#42");
    const [request] = fetchMock.mock.calls[0] as unknown as [Request];
    expect(request.url).toBe(`${window.location.origin}${BROWSER_API_PATH}/items`);
    expect(request.method).toBe("POST");
    expect(await request.json()).toEqual({ name: "Lamp", description: null });
  });
});
