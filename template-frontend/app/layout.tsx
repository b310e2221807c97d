import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";

import { APP_TITLE, SERVICE_NAME } from "@/lib/service";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: APP_TITLE, template: `%s · ${APP_TITLE}` },
  description: `The ${SERVICE_NAME} frontend`,
};

const NAV = [
  { href: "/", label: "Items" },
  { href: "/new", label: "New item" },
  { href: "/live", label: "Live events" },
];

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <header className="border-b border-slate-200 bg-white">
          <nav aria-label="Main" className="mx-auto flex max-w-3xl items-center gap-6 px-4 py-3">
            <span className="font-semibold">{APP_TITLE}</span>
            {NAV.map(({ href, label }) => (
              <Link key={href} href={href} className="text-sm text-slate-600 hover:text-slate-900">
                {label}
              </Link>
            ))}
          </nav>
        </header>
        <main className="mx-auto max-w-3xl px-4 py-8">{children}</main>
      </body>
    </html>
  );
}
