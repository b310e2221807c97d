export default function Loading() {
  return (
    <div role="status" aria-live="polite" className="space-y-3">
      <span className="sr-only">Loading…</span>
      {[0, 1, 2].map((row) => (
        <div key={row} className="h-14 animate-pulse rounded-lg bg-slate-200" />
      ))}
    </div>
  );
}
