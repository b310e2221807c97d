import type { Metadata } from "next";

import { ItemForm } from "@/components/ItemForm";

export const metadata: Metadata = { title: "New item" };

export default function NewItemPage() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">New item</h1>
      <ItemForm />
    </div>
  );
}
