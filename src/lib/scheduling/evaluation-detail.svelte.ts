import type { CertificateRequestDto, EvaluationDetailDto } from '$server/modules/scheduling/dto.ts';
import { ApiError, completeEvaluation, getEvaluationDetail } from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';

/**
 * One evaluation as its evaluator (or a moderator, or the learner) opens it, and the completion
 * form: outcome, a score per rubric criterion, notes. Kept current by `certificateRequest.updated`.
 */
export class EvaluationDetail {
  readonly requestId: string;
  readonly detail = new Snapshot<EvaluationDetailDto>((signal) => getEvaluationDetail(this.requestId, signal));

  outcome = $state<'pass' | 'fail' | null>(null);
  /** Scores typed in, by criterion key (null: not scored yet). */
  scores = $state<Record<string, number | null>>({});
  notes = $state('');
  busy = $state(false);
  /** The server's refusal of the last attempt (not started yet, quizzes not passed, already completed). */
  refusal = $state<ApiError | null>(null);

  request = $derived(this.detail.value?.request ?? null);
  rubric = $derived(this.detail.value?.rubric ?? []);
  /** A pass needs every required quiz passed; the server refuses it otherwise. */
  passBlocked = $derived((this.detail.value?.missingQuizIds.length ?? 0) > 0);
  complete = $derived(this.rubric.every((c) => this.#valid(c.key, c.maxScore)) && this.outcome !== null && !(this.outcome === 'pass' && this.passBlocked));

  constructor(requestId: string) {
    this.requestId = requestId;
  }

  load(): Promise<void> {
    return this.detail.load();
  }

  /** The request changed elsewhere (completed by a moderator, cancelled, moved): read it again. */
  applyRequest(request: CertificateRequestDto): void {
    if (request.id !== this.requestId) return;
    if (this.request && this.request.updatedAt >= request.updatedAt) return;
    void this.load();
  }

  /** Has the start (minus the margin) come? `now` is passed in so the page can tick. */
  isOpen(now: number): boolean {
    const from = this.detail.value?.completableFrom;
    return from !== undefined && now >= Date.parse(from);
  }

  async submit(): Promise<CertificateRequestDto | null> {
    if (!this.complete || this.busy || !this.outcome) return null;
    this.busy = true;
    this.refusal = null;
    try {
      const rubricScores = Object.fromEntries(this.rubric.map((c) => [c.key, this.scores[c.key] as number]));
      const request = await completeEvaluation(this.requestId, { outcome: this.outcome, rubricScores, notes: this.notes });
      await this.load();
      return request;
    } catch (error) {
      if (error instanceof ApiError && ['evaluation_not_started', 'quizzes_not_passed', 'request_closed', 'validation_failed'].includes(error.code)) {
        this.refusal = error;
        if (error.code !== 'validation_failed') void this.load();
        return null;
      }
      throw error;
    } finally {
      this.busy = false;
    }
  }

  #valid(key: string, max: number): boolean {
    const score = this.scores[key];
    return typeof score === 'number' && Number.isInteger(score) && score >= 0 && score <= max;
  }
}
