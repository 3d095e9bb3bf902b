import type { EnrollmentDto, LearnQuizDto, StartedAttemptDto, SubmitResultDto } from '$server/modules/enrollment/dto.ts';
import { ApiError, getLearnQuiz, startQuizAttempt, submitQuizAttempt, type LearnerQuizDto } from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';

export type QuizPhase = 'overview' | 'taking' | 'result';

/** Answers in progress survive a reload of the tab (the server only keeps them once submitted). */
const draftKey = (submissionId: string) => `quiz-answers:${submissionId}`;

/**
 * One learner taking one quiz: the start screen (attempts, best score), an open attempt with its
 * answers and countdown, then the graded result. The countdown follows the server's clock: the
 * offset between the two is measured when an attempt starts, so a fast or slow device clock does
 * not cost the learner time.
 */
export class QuizTaking {
  readonly quizId: string;
  readonly overview: Snapshot<LearnQuizDto>;
  phase = $state<QuizPhase>('overview');
  attempt = $state<StartedAttemptDto | null>(null);
  /** Question id → chosen option ids. */
  answers = $state<Record<string, string[]>>({});
  result = $state<SubmitResultDto | null>(null);
  /** The quiz as it was when the attempt started (the result is read against it). */
  attemptQuiz = $state<LearnerQuizDto | null>(null);
  starting = $state(false);
  submitting = $state(false);
  /** Why the last attempt ended without a result (time ran out), shown on the start screen. */
  notice = $state<string | null>(null);
  now = $state(Date.now());
  /** Server clock minus this device's, measured when an attempt starts. */
  #clockOffsetMs = $state(0);

  readonly remainingMs: number | null = $derived(
    this.attempt?.deadlineAt ? Math.max(0, Date.parse(this.attempt.deadlineAt) - (this.now + this.#clockOffsetMs)) : null,
  );
  readonly unanswered = $derived((this.attemptQuiz?.questions ?? []).filter((question) => !(this.answers[question.id]?.length > 0)).length);

  #ticker: ReturnType<typeof setInterval> | undefined;
  #onEnrollment: (enrollment: EnrollmentDto) => void;
  #onError: (error: unknown) => void;

  /** `onEnrollment` hears the new progress after a graded attempt; `onError` hears a failed automatic submission. */
  constructor(quizId: string, options: { onEnrollment: (enrollment: EnrollmentDto) => void; onError: (error: unknown) => void }) {
    this.quizId = quizId;
    this.#onEnrollment = options.onEnrollment;
    this.#onError = options.onError;
    this.overview = new Snapshot((signal) => getLearnQuiz(quizId, signal));
  }

  load(): Promise<void> {
    return this.overview.load();
  }

  /** Starts a new attempt, or resumes the open one. Throws the API error (attempts used up). */
  async start(): Promise<void> {
    this.starting = true;
    this.notice = null;
    const resuming = Boolean(this.overview.value?.openAttempt);
    try {
      const sentAt = Date.now();
      const attempt = await startQuizAttempt(this.quizId);
      const receivedAt = Date.now();
      // A fresh attempt's startedAt is the server's "now" while answering: its offset from the
      // middle of the round trip is the clock difference. A resumed one started earlier.
      this.#clockOffsetMs = resuming ? 0 : Date.parse(attempt.startedAt) - (sentAt + receivedAt) / 2;
      this.attempt = attempt;
      this.attemptQuiz = attempt.quiz;
      this.answers = this.#restoreDraft(attempt.submissionId);
      this.result = null;
      this.phase = 'taking';
      this.#startTicking();
    } finally {
      this.starting = false;
    }
  }

  /** Chooses an option: the only one for single-choice questions, one more (or one less) for multiple. */
  choose(questionId: string, optionId: string, kind: 'single' | 'multiple', checked: boolean): void {
    const current = this.answers[questionId] ?? [];
    const next = kind === 'single' ? [optionId] : checked ? [...new Set([...current, optionId])] : current.filter((id) => id !== optionId);
    this.answers = { ...this.answers, [questionId]: next };
    if (this.attempt) this.#saveDraft(this.attempt.submissionId);
  }

  /** Sends the answers for grading; throws the API error unless the server had closed the attempt. */
  async submit(): Promise<void> {
    const attempt = this.attempt;
    if (!attempt || this.submitting) return;
    this.submitting = true;
    this.#stopTicking();
    const questions = this.attemptQuiz?.questions ?? [];
    try {
      const result = await submitQuizAttempt(
        attempt.submissionId,
        questions.map((question) => ({ questionId: question.id, optionIds: this.answers[question.id] ?? [] })),
      );
      this.result = result;
      this.phase = 'result';
      this.#clearDraft(attempt.submissionId);
      this.#onEnrollment(result.enrollment);
      void this.overview.load();
    } catch (error) {
      if (error instanceof ApiError && (error.code === 'time_expired' || error.code === 'attempt_closed')) {
        // The server closed this attempt already: back to the start screen, which says why.
        this.notice = error.message;
        this.#clearDraft(attempt.submissionId);
        this.#leaveAttempt();
        void this.overview.load();
        return;
      }
      // Anything else (offline): stay on the questions so the learner can press Submit again; the
      // countdown goes on unless it already ran out (no retry loop against a dead network).
      if (this.phase === 'taking' && this.remainingMs !== 0) this.#startTicking();
      throw error;
    } finally {
      this.submitting = false;
    }
  }

  /** Back to the start screen (after reading a result). */
  backToOverview(): void {
    this.#leaveAttempt();
    this.result = null;
  }

  dispose(): void {
    this.#stopTicking();
  }

  #leaveAttempt(): void {
    this.#stopTicking();
    this.attempt = null;
    this.phase = 'overview';
  }

  #startTicking(): void {
    this.#stopTicking();
    this.now = Date.now();
    if (!this.attempt?.deadlineAt) return;
    this.#ticker = setInterval(() => {
      this.now = Date.now();
      // Time is up: hand in what is answered. The server accepts it within its grace period.
      if (this.remainingMs === 0 && this.phase === 'taking' && !this.submitting) this.submit().catch(this.#onError);
    }, 250);
  }

  #stopTicking(): void {
    clearInterval(this.#ticker);
    this.#ticker = undefined;
  }

  #restoreDraft(submissionId: string): Record<string, string[]> {
    try {
      const saved = sessionStorage.getItem(draftKey(submissionId));
      return saved ? (JSON.parse(saved) as Record<string, string[]>) : {};
    } catch {
      return {};
    }
  }

  #saveDraft(submissionId: string): void {
    try {
      sessionStorage.setItem(draftKey(submissionId), JSON.stringify(this.answers));
    } catch {
      // Private mode or full storage: answers still live in memory.
    }
  }

  #clearDraft(submissionId: string): void {
    try {
      sessionStorage.removeItem(draftKey(submissionId));
    } catch {
      // Nothing to clear.
    }
  }
}
