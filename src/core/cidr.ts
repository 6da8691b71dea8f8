/**
 * IP addresses and CIDR blocks, as far as exposure needs them: is an allow-list open to everyone, is an
 * external IP private, and does one allow-list cover more than another. Addresses are bigints so IPv4 and
 * IPv6 share one code path.
 */

export type IpFamily = 4 | 6;

/** A CIDR block as an inclusive address range (host bits of the written address are masked off). */
export interface CidrRange {
  family: IpFamily;
  first: bigint;
  last: bigint;
  prefix: number;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

/**
 * Address space that is not routed on the internet. An external IP inside these is reachable only from
 * a private network, so it makes a Service `private` rather than `public`.
 */
const PRIVATE_RANGES: readonly string[] = [
  // RFC 1918 private networks: https://www.rfc-editor.org/rfc/rfc1918
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  // RFC 6598 carrier-grade NAT shared space, also used for pod/node networks (e.g. EKS custom networking).
  "100.64.0.0/10",
  // RFC 3927 IPv4 link-local.
  "169.254.0.0/16",
  // RFC 1122 loopback: never leaves the node.
  "127.0.0.0/8",
  // RFC 4193 IPv6 unique local addresses.
  "fc00::/7",
  // RFC 4291 IPv6 link-local and loopback.
  "fe80::/10",
  "::1/128",
];

/** `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2) carries an IPv4 address; judge it as that address. */
const IPV4_MAPPED = parseCidrOrThrow("::ffff:0.0.0.0/96");

const PRIVATE_CIDRS: readonly CidrRange[] = PRIVATE_RANGES.map(parseCidrOrThrow);

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groupsOf = (half: string): number[] | undefined => {
    if (half === "") return [];
    const groups: number[] = [];
    const parts = half.split(":");
    for (const [index, part] of parts.entries()) {
      // An embedded IPv4 address may only end the address (`::ffff:10.0.0.1`).
      if (index === parts.length - 1 && part.includes(".")) {
        const v4 = parseIpv4(part);
        if (v4 === undefined) return undefined;
        groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
        continue;
      }
      if (!/^[0-9a-f]{1,4}$/.test(part)) return undefined;
      groups.push(parseInt(part, 16));
    }
    return groups;
  };
  const head = groupsOf(halves[0] ?? "");
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? "") : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

/** Parses an IPv4 or IPv6 address (IPv6 zone ids like `%eth0` are dropped). */
export function parseAddress(text: string): { family: IpFamily; value: bigint } | undefined {
  const address = text.trim().toLowerCase().replace(/%.*$/, "");
  if (address.includes(":")) {
    const value = parseIpv6(address);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(address);
  return value === undefined ? undefined : { family: 4, value };
}

/**
 * Parses `address/prefix`, or a bare address as a single-host block (ingress-nginx accepts bare IPs in
 * its allow-list). Spacing and case do not matter. Undefined when it is not an address.
 */
export function parseCidr(text: string): CidrRange | undefined {
  const compact = text.replace(/\s+/g, "");
  const slash = compact.indexOf("/");
  const address = parseAddress(slash === -1 ? compact : compact.slice(0, slash));
  if (!address) return undefined;
  const bits = BITS[address.family];
  let prefix = bits;
  if (slash !== -1) {
    const written = compact.slice(slash + 1);
    if (!/^\d{1,3}$/.test(written)) return undefined;
    prefix = Number(written);
    if (prefix > bits) return undefined;
  }
  const hostBits = BigInt(bits - prefix);
  const first = (address.value >> hostBits) << hostBits;
  return { family: address.family, first, last: first + (1n << hostBits) - 1n, prefix };
}

function parseCidrOrThrow(text: string): CidrRange {
  const range = parseCidr(text);
  if (!range) throw new Error(`invalid built-in CIDR ${text}`);
  return range;
}

function within(inner: CidrRange, outer: CidrRange): boolean {
  return inner.family === outer.family && inner.first >= outer.first && inner.last <= outer.last;
}

/**
 * True when the block admits every address of its family: `0.0.0.0/0`, `::/0`, and any other `/0`
 * (the host bits are ignored by every cloud, so `10.0.0.0/0` is just as open).
 */
export function isOpenCidr(cidr: string): boolean {
  return parseCidr(cidr)?.prefix === 0;
}

/**
 * True when the address (or every address of the block) is private: RFC 1918, RFC 6598, link-local
 * (169.254/16, fe80::/10), unique local (fc00::/7) or loopback. IPv4-mapped IPv6 is judged as IPv4.
 */
export function isPrivateAddress(address: string): boolean {
  let range = parseCidr(address);
  if (!range) return false;
  if (within(range, IPV4_MAPPED)) {
    const low = range.first - IPV4_MAPPED.first;
    range = { family: 4, first: low, last: range.last - IPV4_MAPPED.first, prefix: range.prefix - 96 };
  }
  const candidate = range;
  return PRIVATE_CIDRS.some((privateRange) => within(candidate, privateRange));
}

/** Disjoint, non-adjacent ranges per family: the exact set of addresses a list of blocks admits. */
function mergedCoverage(ranges: readonly CidrRange[]): CidrRange[] {
  const sorted = [...ranges].sort((a, b) =>
    a.family !== b.family ? a.family - b.family : a.first < b.first ? -1 : a.first > b.first ? 1 : 0,
  );
  const merged: CidrRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && last.family === range.family && range.first <= last.last + 1n) {
      if (range.last > last.last) last.last = range.last;
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}

/**
 * True when every address admitted by `inner` is admitted by `outer` (a union of blocks, so
 * `10.0.0.0/9` + `10.128.0.0/9` covers `10.0.0.0/8`). Entries that are not addresses are compared as
 * text: they count as covered only when `outer` has the same text.
 */
export function coverageContains(outer: readonly string[], inner: readonly string[]): boolean {
  const outerRanges: CidrRange[] = [];
  const outerText = new Set<string>();
  for (const cidr of outer) {
    const range = parseCidr(cidr);
    if (range) outerRanges.push(range);
    else outerText.add(cidr.trim().toLowerCase());
  }
  const coverage = mergedCoverage(outerRanges);
  return inner.every((cidr) => {
    const range = parseCidr(cidr);
    if (!range) return outerText.has(cidr.trim().toLowerCase());
    return coverage.some((block) => within(range, block));
  });
}

/** Splits a comma-separated annotation value into its non-empty, trimmed entries. */
export function splitList(value: string): string[] {
  return value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

/**
 * The entries of an allow-list that admit every address of a family: the `/0` entries, or else the
 * blocks of a family that together span all of it (`0.0.0.0/1` + `128.0.0.0/1` is as open as
 * `0.0.0.0/0`). Empty when the list leaves some address of each family out.
 */
export function openEntries(cidrs: readonly string[]): string[] {
  const single = cidrs.filter(isOpenCidr);
  if (single.length > 0) return single;
  for (const family of [4, 6] as const) {
    const entries = cidrs.filter((cidr) => parseCidr(cidr)?.family === family);
    const [block, ...more] = mergedCoverage(entries.map(parseCidrOrThrow));
    if (block && more.length === 0 && block.first === 0n && block.last === (1n << BigInt(BITS[family])) - 1n) return entries;
  }
  return [];
}

/**
 * True when an allow-list actually restricts who can connect: it names at least one address block and
 * does not admit a whole address family. A list of only unreadable entries restricts nothing (the
 * controllers reject or ignore such entries), and one open entry admits everyone.
 */
export function isRestrictive(cidrs: readonly string[]): boolean {
  return cidrs.some((cidr) => parseCidr(cidr) !== undefined) && openEntries(cidrs).length === 0;
}
