/**
 * Shows what the app posts for five representative pull requests, as a reviewer reads them: runs the real
 * webhook handler against the fake GitHub (test/github/) and writes, per pull request, the check run's title,
 * conclusion and summary, the review body, the inline comments and the annotations, as one markdown file
 * (`npx tsx scripts/review-samples.ts OUT_DIR`). Used to compare the output before and after a change, and
 * as the input of a rendered preview (GitHub renders the same markdown).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { examplePayload, startHarness } from "../test/github/harness.js";
import { samplePullRequest } from "../test/helpers/pull-requests.js";

export const SAMPLE_PULL_REQUESTS = ["pr-redis-lb", "pr-ssl-cert-removed", "pr-self-suppressed", "pr-conflict-markers", "pr-large-change"] as const;

async function sample(name: string): Promise<string> {
  const repository = samplePullRequest(name);
  const harness = await startHarness(repository);
  try {
    await harness.deliver("pull_request", examplePayload(harness.fake, repository, "pull_request", "opened"));
    const run = harness.fake.checkRuns[0];
    const review = harness.fake.reviews[0];
    const parts = [
      `# ${name}`,
      "",
      `**Check run:** ${run?.conclusion ?? "(none)"} — ${run?.output.title ?? "(no title)"}`,
      "",
      "## Check summary",
      "",
      run?.output.summary ?? "(none)",
      "",
      "## Annotations",
      "",
      ...(run?.annotations ?? []).map((a) => `- \`${String(a.path)}:${String(a.start_line)}\` ${String(a.annotation_level)}: ${String(a.title)}`),
      "",
      "## Review body",
      "",
      review?.body ?? "(no review)",
      "",
      "## Inline comments",
      "",
    ];
    for (const comment of harness.fake.reviewComments) {
      parts.push(`### \`${comment.path}:${comment.line}\` (${comment.side})`, "", comment.body, "");
    }
    return parts.join("\n");
  } finally {
    await harness.close();
  }
}

const out = process.argv[2] ?? "review-samples";
mkdirSync(out, { recursive: true });
for (const name of SAMPLE_PULL_REQUESTS) writeFileSync(join(out, `${name}.md`), await sample(name));
console.log(`wrote ${SAMPLE_PULL_REQUESTS.length} samples to ${out}`);
