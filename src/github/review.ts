/**
 * One pull-request review per head commit, with only the comments not posted before.
 * Webhooks are redelivered and runs re-requested: every comment carries a hidden marker, and the review
 * body carries the head commit's, so a second pass over the same commit posts nothing.
 * see: https://docs.github.com/en/rest/pulls/reviews#create-a-review-for-a-pull-request
 */
import { headCommitMarker, markersIn, type ReviewPlan, renderReviewBody } from "../report/comments.js";
import type { GitHub, RepoRef } from "./pull-request.js";

export interface ReviewTarget extends RepoRef {
  number: number;
  headSha: string;
}

export type ReviewOutcome =
  | { posted: true; comments: number; outsideDiff: number }
  | { posted: false; reason: "nothing-to-say" | "already-reviewed" | "nothing-new" };

export async function publishReview(
  octokit: GitHub,
  target: ReviewTarget,
  plan: ReviewPlan,
  checkRunUrl?: string,
): Promise<ReviewOutcome> {
  if (plan.comments.length === 0 && plan.outsideDiff.length === 0) return { posted: false, reason: "nothing-to-say" };

  const params = { owner: target.owner, repo: target.repo, pull_number: target.number, per_page: 100 };
  const [comments, reviews] = await Promise.all([
    // see: https://docs.github.com/en/rest/pulls/comments#list-review-comments-on-a-pull-request
    octokit.paginate(octokit.rest.pulls.listReviewComments, params),
    // see: https://docs.github.com/en/rest/pulls/reviews#list-reviews-for-a-pull-request
    octokit.paginate(octokit.rest.pulls.listReviews, params),
  ]);
  // Only bot bodies count: anyone can write a marker in a comment, and a pull request's author must not be
  // able to silence a finding by pasting one.
  const posted = new Set([
    ...comments.filter((comment) => comment.user?.type === "Bot").flatMap((comment) => markersIn(comment.body)),
    ...reviews.filter((review) => review.user?.type === "Bot").flatMap((review) => markersIn(review.body)),
  ]);
  if (posted.has(headCommitMarker(target.headSha))) return { posted: false, reason: "already-reviewed" };

  const newComments = plan.comments.filter((comment) => !posted.has(comment.marker));
  const newOutside = plan.outsideDiff.filter((item) => !posted.has(item.marker));
  if (newComments.length === 0 && newOutside.length === 0) return { posted: false, reason: "nothing-new" };

  await octokit.rest.pulls.createReview({
    owner: target.owner,
    repo: target.repo,
    pull_number: target.number,
    commit_id: target.headSha,
    // COMMENT, never REQUEST_CHANGES: the check run is the gate; a review that blocks would need dismissing.
    event: "COMMENT",
    body: renderReviewBody({
      headSha: target.headSha,
      commentCount: newComments.length,
      outsideDiff: newOutside,
      title: plan.title,
      ...(checkRunUrl ? { checkRunUrl } : {}),
    }),
    comments: newComments.map(({ marker: _marker, ...comment }) => comment),
  });
  return { posted: true, comments: newComments.length, outsideDiff: newOutside.length };
}
