/**
 * The URL the browser asked for: the host and scheme the platform's router passed on
 * (X-Forwarded-Host, X-Forwarded-Proto), else the Host header, with the request's path.
 */
export function publicUrl(request: Request): string {
  const url = new URL(request.url);
  const first = (name: string) => request.headers.get(name)?.split(",")[0]?.trim();
  const host = first("x-forwarded-host") ?? first("host") ?? url.host;
  const proto = first("x-forwarded-proto");
  const scheme = proto === "http" || proto === "https" ? `${proto}:` : url.protocol;
  return new URL(`${url.pathname}${url.search}`, `${scheme}//${host}`).href;
}
