/**
 * Pull requests for the fake GitHub (test/github/), shared by the per-pattern tests and the samples script:
 * the representative ones under test/github/fixtures/pr-*, small ones built from manifests, and where what
 * the app posted landed (inline comment or annotation, file, line, side), read back from the fake.
 */
import type { FakeGitHub, FakeRepository, Tree } from "../github/fake-github.js";
import { readFixtureTree } from "../github/harness.js";

/** One of the representative pull requests under test/github/fixtures/<name>/{merge-base,head}. */
export function samplePullRequest(name: string, config?: string): FakeRepository {
  return pullRequestOf(readFixtureTree(`${name}/merge-base`), readFixtureTree(`${name}/head`), config);
}

/** A pull request that turns the `mergeBase` tree into `head` (path -> text), with the default branch's config. */
export function pullRequestOf(mergeBase: Tree | Record<string, string>, head: Tree | Record<string, string>, config?: string): FakeRepository {
  const tree = (files: Tree | Record<string, string>): Tree => (files instanceof Map ? files : new Map(Object.entries(files)));
  return {
    owner: "acme",
    name: "platform",
    mergeBase: tree(mergeBase),
    head: tree(head),
    pullNumber: 12,
    ...(config === undefined ? {} : { config }),
  };
}

/** A Service manifest; `ports` are `port` numbers (a name `p<port>` each), `type` LoadBalancer unless given. */
export function serviceYaml({ name, namespace, type = "LoadBalancer", ports }: { name: string; namespace: string; type?: string; ports: number[] }): string {
  return [
    "apiVersion: v1",
    "kind: Service",
    "metadata:",
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    "spec:",
    `  type: ${type}`,
    "  selector:",
    `    app: ${name}`,
    "  ports:",
    ...ports.flatMap((port) => [`    - name: p${port}`, `      port: ${port}`]),
    "",
  ].join("\n");
}

/** What one inline comment shows: where it sits (`path:line:side`) and the findings it lists (`rule@line`). */
export interface LandedComment {
  at: string;
  findings: string[];
}

/** Where the findings of a run landed: inline comments, and the check run's annotations (`rule@path:line`). */
export interface Landed {
  comments: LandedComment[];
  annotations: string[];
}

/**
 * Where each finding landed. Inline comments list their findings in their marker
 * (`<!-- exposure-review:<object>:<rule>@<line>,... -->`, `@L8` for a deleted line; an unreadable file's
 * comment lists `unreadable`); annotations name their rule in the title (`Title (rule)`), or say
 * `Not reviewed: <reason>` for a file (`unreadable`).
 */
export function landed(fake: FakeGitHub): Landed {
  const comments = fake.reviewComments.map((comment) => {
    const item = "[a-z-]+@L?\\d+(?:\\+[^,\\s]+)*";
    const marker = comment.body.match(new RegExp(`<!-- exposure-review:[^ ]*:(${item}(?:,${item})*) -->`));
    // A finding about the whole object carries the entry points it newly covers, URI-encoded: read back plain.
    const findings = marker ? marker[1]!.split(",").map(decodeURIComponent) : [`unreadable@${comment.line}`];
    return { at: `${comment.path}:${comment.line}:${comment.side}`, findings };
  });
  const annotations = (fake.checkRuns[0]?.annotations ?? []).map((annotation) => {
    const rule = String(annotation["title"]).match(/\(([a-z-]+)\)/)?.[1] ?? "unreadable";
    return `${rule}@${String(annotation["path"])}:${String(annotation["start_line"])}`;
  });
  return { comments, annotations };
}

/**
 * Findings shown twice: a comment's finding (`rule@line`, on the comment's file) that an annotation shows
 * on the same line too. GitHub would draw both boxes on that line.
 */
export function shownTwice({ comments, annotations }: Landed): string[] {
  const inComments = new Set(
    comments.flatMap(({ at, findings }) =>
      findings.map((finding) => {
        const [rule, line = ""] = finding.split("@");
        return `${rule}@${at.split(":")[0]}:${line.replace(/^L/, "").replace(/\+.*/, "")}`;
      }),
    ),
  );
  return annotations.filter((annotation) => inComments.has(annotation));
}
