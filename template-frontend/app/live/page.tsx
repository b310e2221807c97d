import type { Metadata } from "next";

import { LiveEvents } from "@/components/LiveEvents";
import { BROWSER_API_PATH } from "@/lib/routes";

export const metadata: Metadata = { title: "Live events" };

export default function LivePage() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Live events</h1>
      <LiveEvents url={`${BROWSER_API_PATH}/events`} />
    </div>
  );
}
