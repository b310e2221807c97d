import Link from "next/link";

import type { ApiResult } from "@/lib/api/result";
import type { ItemPage } from "@/lib/api/types";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

export function ItemList({ result }: { result: ApiResult<ItemPage> }) {
  if (!result.ok) {
    return (
      <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-red-800">
        <h2 className="font-semibold">The items could not be loaded</h2>
        <p className="mt-1 text-sm">{result.error.message}</p>
      </div>
    );
  }
  const { items, total } = result.data;
  if (items.length === 0) {
    return (
      <div className="rounded-lg border border-dashed border-slate-300 p-8 text-center">
        <p className="text-slate-600">No items yet.</p>
        <Link href="/new" className="mt-2 inline-block text-blue-700 underline">
          Create the first one
        </Link>
      </div>
    );
  }
  return (
    <section aria-label="Items" className="space-y-2">
      <p className="text-sm text-slate-600">
        {total} item{total === 1 ? "" : "s"}
      </p>
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {items.map((item) => (
          <li key={item.id} className="px-4 py-3">
            <h3 className="font-medium">{item.name}</h3>
            {item.description && <p className="text-sm text-slate-600">{item.description}</p>}
            <p className="text-xs text-slate-500">
              Created{" "}
              <time dateTime={item.created_at}>{dateFormat.format(new Date(item.created_at))}</time>
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
