/** Limits of what the core reads, shared by the faces so they do not fetch what the core would refuse. */

/** A manifest over 1 MiB is reported `too-large` rather than parsed (real manifests are far smaller). */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/**
 * Alias expansion limit handed to `yaml`: enough for real anchors and merge keys, small enough that an
 * alias bomb ("billion laughs") is refused in milliseconds.
 */
export const MAX_ALIAS_COUNT = 1000;

/**
 * How deeply collections may nest (counted as the YAML parser's open nodes). The `yaml` composer
 * recurses per level and runs out of stack near 800 levels; a stack overflow that lands inside V8's
 * regular-expression compiler kills the process instead of throwing, so deeper input is refused
 * before it is composed. Real manifests, CRD schemas included, stay well under 100.
 */
export const MAX_NESTING_DEPTH = 256;

/** Kubernetes' limit on object names (a DNS subdomain, 253 characters); longer names are refused. */
export const MAX_NAME_LENGTH = 253;

/** Kubernetes' limit on namespace names (a DNS label, 63 characters). */
export const MAX_NAMESPACE_LENGTH = 63;
