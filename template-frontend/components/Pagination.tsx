import Link from "next/link";

export function Pagination({
  total,
  limit,
  offset,
}: {
  total: number;
  limit: number;
  offset: number;
}) {
  const previous = offset > 0 ? Math.max(0, offset - limit) : null;
  const next = offset + limit < total ? offset + limit : null;
  if (previous === null && next === null) return null;
  return (
    <nav aria-label="Pages" className="flex justify-between text-sm">
      {previous === null ? (
        <span />
      ) : (
        <Link
          href={previous === 0 ? "/" : `/?offset=${previous}`}
          className="text-blue-700 underline"
        >
          Previous
        </Link>
      )}
      {next !== null && (
        <Link href={`/?offset=${next}`} className="text-blue-700 underline">
          Next
        </Link>
      )}
    </nav>
  );
}
