/** Limits of what the core reads, shared by the faces so they do not fetch what the core would refuse. */

/** A manifest over 1 MiB is reported `too-large` rather than parsed (real manifests are far smaller). */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/**
 * Alias expansion limit handed to `yaml`: enough for real anchors and merge keys, small enough that an
 * alias bomb ("billion laughs") is refused in milliseconds.
 */
export const MAX_ALIAS_COUNT = 1000;
