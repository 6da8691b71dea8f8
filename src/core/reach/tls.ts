/**
 * Which Ingress hosts a `spec.tls` entry covers. Follows the certificate rules controllers apply
 * (ingress-nginx, the ALB and GCE controllers): exact names compare case-insensitively, a wildcard
 * `*.example.com` covers exactly one more label (RFC 6125 §6.4.3), and an entry without `hosts` is the
 * certificate of the catch-all (default) server.
 */

/** The host of a route entry point that has no host: the catch-all (rules without host, default backend). */
export const CATCH_ALL_HOST = "*";

/** Lowercases and trims a host; a trailing root dot (`example.com.`) names the same host. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, "");
}

/**
 * True when a certificate for `certificateHost` serves `host`: the same name, or a `*.domain` wildcard
 * and a host with exactly one more (non-empty) label. `a.example.com` is covered by `*.example.com`;
 * `a.b.example.com` and `example.com` are not.
 */
export function hostMatches(certificateHost: string, host: string): boolean {
  const pattern = normalizeHost(certificateHost);
  const name = normalizeHost(host);
  if (pattern === "" || name === "" || name === CATCH_ALL_HOST) return false;
  if (pattern === name) return true;
  if (!pattern.startsWith("*.")) return false;
  const dot = name.indexOf(".");
  return dot > 0 && name.slice(dot + 1) === pattern.slice(2);
}

/**
 * True when one of the Ingress `spec.tls` entries covers `host` (`*` for the catch-all). `tls` is the
 * raw `spec.tls` value; anything that is not a list covers nothing.
 */
export function tlsCoversHost(tls: unknown, host: string): boolean {
  if (!Array.isArray(tls)) return false;
  const catchAll = normalizeHost(host) === CATCH_ALL_HOST;
  return tls.some((entry: unknown) => {
    if (entry === null || typeof entry !== "object") return false;
    const hosts = (entry as Record<string, unknown>)["hosts"];
    const names = Array.isArray(hosts) ? hosts.filter((name): name is string => typeof name === "string") : [];
    if (names.length === 0) return catchAll;
    return names.some((name) => hostMatches(name, host));
  });
}
