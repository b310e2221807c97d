import { headers } from "next/headers";

import { HealthStatus } from "@/components/HealthStatus";
import { ItemList } from "@/components/ItemList";
import { Pagination } from "@/components/Pagination";
import { getHealth, listItems } from "@/lib/api/server";
import { pageFrom, PAGE_SIZE } from "@/lib/paging";
import { requestIdFrom } from "@/lib/request-id";

type HomeProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function HomePage({ searchParams }: HomeProps) {
  const offset = pageFrom(await searchParams);
  const requestId = requestIdFrom(await headers());
  const [health, items] = await Promise.all([
    getHealth(requestId),
    listItems({ limit: PAGE_SIZE, offset }, requestId),
  ]);
  return (
    <div className="space-y-6">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Items</h1>
        <HealthStatus result={health} />
      </div>
      <ItemList result={items} />
      {items.ok && <Pagination total={items.data.total} limit={PAGE_SIZE} offset={offset} />}
    </div>
  );
}
