"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";

import { createItem } from "@/lib/api/browser";
import { fieldErrors } from "@/lib/api/errors";
import type { Item, ItemCreate } from "@/lib/api/types";
import { validateItemInput, type ItemInputErrors } from "@/lib/item-input";

type Submit = (input: ItemCreate) => ReturnType<typeof createItem>;

export function ItemForm({ submit = (input) => createItem(input) }: { submit?: Submit }) {
  const [errors, setErrors] = useState<ItemInputErrors>({});
  const [pending, setPending] = useState(false);
  const [created, setCreated] = useState<Item | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const values = Object.fromEntries(new FormData(form));
    const checked = validateItemInput(values);
    setCreated(null);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setPending(true);
    const result = await submit(checked.data);
    setPending(false);
    if (result.ok) {
      setCreated(result.data);
      form.reset();
      return;
    }
    const byField = fieldErrors(result.error.details);
    setErrors({ ...byField, "": byField[""] ?? result.error.message });
  }

  return (
    <form noValidate onSubmit={onSubmit} className="space-y-4">
      <div className="space-y-1">
        <label htmlFor="name" className="block text-sm font-medium">
          Name
        </label>
        <input
          id="name"
          name="name"
          maxLength={100}
          aria-invalid={Boolean(errors.name)}
          aria-describedby={errors.name ? "name-error" : undefined}
          className="w-full rounded border border-slate-300 px-3 py-2"
        />
        {errors.name && (
          <p id="name-error" className="text-sm text-red-700">
            {errors.name}
          </p>
        )}
      </div>
      <div className="space-y-1">
        <label htmlFor="description" className="block text-sm font-medium">
          Description <span className="text-slate-500">(optional)</span>
        </label>
        <textarea
          id="description"
          name="description"
          rows={3}
          aria-invalid={Boolean(errors.description)}
          aria-describedby={errors.description ? "description-error" : undefined}
          className="w-full rounded border border-slate-300 px-3 py-2"
        />
        {errors.description && (
          <p id="description-error" className="text-sm text-red-700">
            {errors.description}
          </p>
        )}
      </div>
      {errors[""] && (
        <p role="alert" className="rounded bg-red-50 p-3 text-sm text-red-800">
          {errors[""]}
        </p>
      )}
      {created && (
        <p role="status" className="rounded bg-emerald-50 p-3 text-sm text-emerald-800">
          Created “{created.name}” (#{created.id}).{" "}
          <Link href="/" className="underline">
            See all items
          </Link>
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="rounded bg-blue-700 px-4 py-2 text-white hover:bg-blue-800 disabled:opacity-50"
      >
        {pending ? "Creating…" : "Create item"}
      </button>
    </form>
  );
}
