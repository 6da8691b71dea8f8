/**
 * Publishing one review's result: the review first, then the check run, so that a completed run means
 * everything for the commit is done. A review that cannot be posted (after guarded attempts) leaves the
 * run completed with the result and a marker saying the review is missing, and the next delivery for the
 * commit posts it: reconcile, do not replay. The App calls this; so can an Action with its own run.
 */
import type { ReviewPlan } from "../report/comments.js";
import { type CheckResult, type OpenRun, publishCheckRun, type Published, REVIEW_MISSING_MARKER, type Writer } from "./check-run.js";
import type { GitHub, PullRequestRef } from "./pull-request.js";
import { publishReview, type ReviewOutcome } from "./review.js";

export interface Publication {
  /** What the check run shows. */
  result: CheckResult;
  /** What the review says; absent when no manifest changed or the config is invalid. */
  review?: ReviewPlan;
}

export interface PublishOutcome extends Published {
  review?: ReviewOutcome;
  /** Why the review is missing, when it could not be posted; the run says so too. */
  reviewError?: unknown;
}

export async function publish(octokit: GitHub, target: PullRequestRef, open: OpenRun, publication: Publication, who: Writer): Promise<PublishOutcome> {
  let review: ReviewOutcome | undefined;
  let reviewError: unknown;
  if (publication.review) {
    try {
      review = await publishReview(octokit, target, publication.review, open.run.htmlUrl, who.waitBaseMs);
    } catch (error) {
      reviewError = error;
    }
  }
  const result = reviewError === undefined ? publication.result : withReviewMissing(publication.result, reviewError);
  const published = await publishCheckRun(octokit, { owner: target.owner, repo: target.repo }, target, open, result, who);
  return { ...published, ...(review ? { review } : {}), ...(reviewError === undefined ? {} : { reviewError }) };
}

/** The result, saying (and marking, for the next delivery) that the review's comments are not posted. */
function withReviewMissing(result: CheckResult, error: unknown): CheckResult {
  const status = (error as { status?: unknown }).status;
  // First, so that cutting the summary to GitHub's limit never drops the marker.
  const note = `${REVIEW_MISSING_MARKER}\n**The review comments could not be posted**${typeof status === "number" ? ` (HTTP ${status})` : ""}; the next delivery or a Re-run posts them.\n\n`;
  return { ...result, summary: note + result.summary };
}
