export const PAGE_SIZE = 20;

/** The list offset from `?offset=`; anything that is not a whole number >= 0 means 0. */
export function pageFrom(params: Record<string, string | string[] | undefined>): number {
  const raw = Array.isArray(params.offset) ? params.offset[0] : params.offset;
  if (!raw || !/^\d+$/.test(raw)) return 0;
  const offset = Number(raw);
  return Number.isSafeInteger(offset) ? offset : 0;
}
