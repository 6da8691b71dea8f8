/**
 * Glob matching in time linear in the matched text, for the two places where a config pattern meets
 * text a pull request controls: `paths` globs against file paths, and suppression patterns against
 * object names. Glob libraries compile patterns to backtracking regular expressions, where
 * `*-*-*-*-x` against a long name takes minutes; these matchers simulate the pattern as an automaton
 * instead (every pattern position at once), so the cost is bounded by text length x pattern length.
 *
 * Path glob syntax (what `paths.include` / `paths.exclude` document): `*` (any characters but `/`),
 * `?` (one character but `/`), `**` as a whole segment (any number of segments, none included),
 * `[abc]`, `[a-z]`, `[!a-z]` / `[^a-z]`, `{a,b}` alternatives (nested too) and `\` escapes. Dotfiles
 * match like any other file (manifests often live in hidden folders).
 */

/** Alternatives a brace pattern may expand to: far above any real config, far below a blow-up. */
const MAX_BRACE_EXPANSIONS = 256;

type CharTest = (code: number) => boolean;
type SegmentToken = { star: true } | { star: false; test: CharTest };
type PathSegment = { globstar: true } | { globstar: false; tokens: SegmentToken[] };

/** A predicate that is true when `path` matches any of `patterns`. */
export function globMatcher(patterns: readonly string[]): (path: string) => boolean {
  const compiled = patterns.flatMap(expandBraces).map(compilePath);
  return (path) => {
    const segments = path.split("/");
    return compiled.some((pattern) => matchSegments(pattern, segments));
  };
}

/**
 * `value` against a pattern where only `*` is special (any run of characters, none included): the
 * suppression patterns of CONTRACT.md. Greedy and linear: the first piece must start the value, the
 * last end it, and each piece between is taken at its leftmost place, which is always safe for `*`.
 */
export function wildcardMatch(pattern: string, value: string): boolean {
  const pieces = pattern.split("*");
  const first = pieces[0] as string;
  if (pieces.length === 1) return value === first;
  const last = pieces[pieces.length - 1] as string;
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  let at = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] as string;
    if (piece === "") continue;
    const found = value.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Path globs

function compilePath(pattern: string): PathSegment[] {
  return splitUnescaped(pattern, "/").map((segment) => (segment === "**" ? { globstar: true } : { globstar: false, tokens: compileSegment(segment) }));
}

/**
 * Segment by segment: the set of pattern positions reachable after each path segment. A globstar may
 * be skipped or may take the segment and stay; any other position advances when its segment matches.
 */
function matchSegments(pattern: PathSegment[], segments: string[]): boolean {
  let states = closeOverGlobstars(pattern, new Set([0]));
  for (const segment of segments) {
    const next = new Set<number>();
    for (const index of states) {
      const part = pattern[index];
      if (!part) continue;
      if (part.globstar) next.add(index);
      else if (matchSegment(part.tokens, segment)) next.add(index + 1);
    }
    if (next.size === 0) return false;
    states = closeOverGlobstars(pattern, next);
  }
  return states.has(pattern.length);
}

/** A globstar also matches no segment at all: every position after a run of them is reachable too. */
function closeOverGlobstars(pattern: PathSegment[], states: Set<number>): Set<number> {
  for (const index of [...states]) {
    let at = index;
    while (pattern[at]?.globstar) states.add(++at);
  }
  return states;
}

/** One segment against its tokens, all token positions at once (a Thompson simulation). */
function matchSegment(tokens: SegmentToken[], text: string): boolean {
  let states = new Uint8Array(tokens.length + 1);
  let next = new Uint8Array(tokens.length + 1);
  states[0] = 1;
  closeOverStars(tokens, states);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    next.fill(0);
    let alive = false;
    for (let k = 0; k < tokens.length; k++) {
      if (!states[k]) continue;
      const token = tokens[k] as SegmentToken;
      if (token.star) {
        next[k] = 1;
        alive = true;
      } else if (token.test(code)) {
        next[k + 1] = 1;
        alive = true;
      }
    }
    if (!alive) return false;
    closeOverStars(tokens, next);
    [states, next] = [next, states];
  }
  return states[tokens.length] === 1;
}

function closeOverStars(tokens: SegmentToken[], states: Uint8Array): void {
  for (let k = 0; k < tokens.length; k++) if (states[k] && (tokens[k] as SegmentToken).star) states[k + 1] = 1;
}

function compileSegment(segment: string): SegmentToken[] {
  const tokens: SegmentToken[] = [];
  for (let i = 0; i < segment.length; i++) {
    const char = segment.charAt(i);
    if (char === "*") {
      if (!tokens.at(-1)?.star) tokens.push({ star: true });
    } else if (char === "?") {
      tokens.push({ star: false, test: () => true });
    } else if (char === "[") {
      const parsed = parseClass(segment, i);
      if (parsed) {
        tokens.push({ star: false, test: parsed.test });
        i = parsed.end;
      } else {
        tokens.push(literal("["));
      }
    } else if (char === "\\" && i + 1 < segment.length) {
      tokens.push(literal(segment.charAt(++i)));
    } else {
      tokens.push(literal(char));
    }
  }
  return tokens;
}

function literal(char: string): SegmentToken {
  const wanted = char.charCodeAt(0);
  return { star: false, test: (code) => code === wanted };
}

/** `[…]` starting at `start`: its test and the index of its closing `]`, or undefined when unclosed. */
function parseClass(segment: string, start: number): { test: CharTest; end: number } | undefined {
  let i = start + 1;
  const negated = segment.charAt(i) === "!" || segment.charAt(i) === "^";
  if (negated) i++;
  const ranges: [number, number][] = [];
  for (let first = true; i < segment.length; first = false) {
    let char = segment.charAt(i);
    if (char === "]" && !first) {
      return { test: (code) => ranges.some(([low, high]) => code >= low && code <= high) !== negated, end: i };
    }
    if (char === "\\" && i + 1 < segment.length) char = segment.charAt(++i);
    const low = char.charCodeAt(0);
    if (segment.charAt(i + 1) === "-" && i + 2 < segment.length && segment.charAt(i + 2) !== "]") {
      ranges.push([low, segment.charCodeAt(i + 2)]);
      i += 3;
    } else {
      ranges.push([low, low]);
      i++;
    }
  }
  return undefined;
}

/** `a/{b,c{d,e}}/f` -> its alternatives, at most MAX_BRACE_EXPANSIONS (the rest stays literal). */
export function expandBraces(pattern: string): string[] {
  const open = findUnescaped(pattern, "{", 0);
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  let close = -1;
  for (let i = open; i < pattern.length && close < 0; i++) {
    const char = pattern.charAt(i);
    if (char === "\\") i++;
    else if (char === "{") depth++;
    else if (char === "}" && --depth === 0) close = i;
    else if (char === "," && depth === 1) commas.push(i);
  }
  if (close < 0 || commas.length === 0) {
    // Not a list: keep this brace literal (escaped) and expand any later one.
    return expandBraces(pattern.slice(open + 1)).map((tail) => `${pattern.slice(0, open)}\\{${tail}`);
  }
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  const bounds = [open, ...commas, close];
  const results: string[] = [];
  for (let k = 0; k + 1 < bounds.length && results.length < MAX_BRACE_EXPANSIONS; k++) {
    for (const option of expandBraces(`${pattern.slice((bounds[k] as number) + 1, bounds[k + 1])}${tail}`)) {
      if (results.length >= MAX_BRACE_EXPANSIONS) return results;
      results.push(`${head}${option}`);
    }
  }
  return results;
}

function findUnescaped(text: string, char: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text.charAt(i) === "\\") i++;
    else if (text.charAt(i) === char) return i;
  }
  return -1;
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (char === "\\" && i + 1 < text.length) {
      current += char + text.charAt(++i);
    } else if (char === separator) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}
