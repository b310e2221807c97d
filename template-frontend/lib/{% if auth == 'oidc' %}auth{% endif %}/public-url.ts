/**
 * The URL the browser asked for: the host and scheme the platform's router passed on
 * (X-Forwarded-Host, X-Forwarded-Proto), else the Host header, with the request's path.
 */
export function publicUrl(request: Request): string {
  const url = new URL(request.url);
  const first = (name: string) => request.headers.get(name)?.split(",")[0]?.trim();
  const host = first("x-forwarded-host") ?? first("host");
  const proto = first("x-forwarded-proto");
  if (host) url.host = host;
  if (proto === "http" || proto === "https") url.protocol = `${proto}:`;
  return url.href;
}
