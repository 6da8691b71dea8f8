/**
 * The CPU-bound half of a pull request's review: the texts already read from GitHub in, the check run's
 * result and the review's comments out. No request, no clock, no file: only data that survives a
 * structured clone on either side, so the App can run it in a worker thread (src/github/review-worker.ts)
 * while its event loop answers GitHub, and the Action can run it inline.
 */
import type { Config } from "../config/schema.js";
import type { ManifestFile, RenderedSides, Report } from "../core/model.js";
import { review } from "../core/review.js";
import { toAnnotations } from "../report/annotations.js";
import { reviewOutput } from "../report/check-output.js";
import { planReview, type ReviewPlan } from "../report/comments.js";
import type { CheckResult } from "./check-run.js";
import { fitAnnotations, fitComments, lineCount, omittedAnnotationsNote } from "./limits.js";
import { diffLines } from "./patch.js";
import type { ChangedFile } from "./pull-request.js";

export interface ReviewComputeInput {
  base: ManifestFile[];
  head: ManifestFile[];
  config: Config;
  /** The head commit's unchanged manifests that routes resolve against (src/github/context.ts). */
  context?: ManifestFile[];
  rendered?: RenderedSides;
  /** Every changed file: a rendered finding may sit in a values file or template that is no manifest. */
  files: readonly Pick<ChangedFile, "path" | "previousPath" | "patch">[];
  /** The config file that was read, for the summary; undefined when none was. */
  configPath?: string;
  mergeBaseSha: string;
  headSha: string;
}

export interface ComputedReview {
  result: CheckResult;
  plan: ReviewPlan;
  /** The review itself, for the faces that print it (the Action); the worker leaves it out. */
  report?: Report;
}

/** Runs the review somewhere: inline (`computeInline`) or in a worker thread (`ReviewPool.compute`). */
export type ReviewCompute = (input: ReviewComputeInput) => Promise<ComputedReview>;

export const computeInline: ReviewCompute = async (input) => computeReview(input);

export function computeReview(input: ReviewComputeInput): ComputedReview {
  const { base, head, config, context, rendered, files } = input;
  const report = review({ base, head, config, ...(context ? { context: { base: context, head: context } } : {}), ...(rendered ? { rendered } : {}) });
  const plan = planReview(
    report,
    files.map((file) => ({ path: file.path, ...(file.previousPath ? { previousPath: file.previousPath } : {}), diff: diffLines(file.patch) })),
  );
  const lineCounts = new Map(head.filter((file) => file.text !== undefined).map((file) => [file.path, lineCount(file.text!)]));
  // What an inline comment shows is not annotated again (placement.ts); but when the review cannot carry
  // every comment (too many, or one too long), the run annotates everything rather than lose some.
  const allCommented = fitComments(plan.comments).omitted === 0;
  const produced = toAnnotations(report, { preexisting: config.conclusion.preexisting, ...(allCommented ? { covered: plan.covered } : {}) });
  const { annotations, omitted } = fitAnnotations(produced, lineCounts);
  return {
    result: {
      ...reviewOutput(report, {
        ...(input.configPath ? { configPath: input.configPath } : {}),
        baseFiles: base.length,
        headFiles: head.length,
        mergeBaseSha: input.mergeBaseSha,
        headSha: input.headSha,
      }),
      annotations,
      ...(omitted > 0 ? { text: omittedAnnotationsNote(omitted) } : {}),
    },
    plan,
    report,
  };
}
