import type { BoardChangeDto, BoardRefreshDto, CertificateRequestDto, EvaluatorBoardsDto } from '$server/modules/scheduling/dto.ts';
import { getEvaluatorBoards } from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';
import { EvaluatorDesk } from '$lib/scheduling/evaluator-desk.svelte';

export type BoardsScope = { courseId: string } | { cohortId: string };

/** A burst of bookings (a cohort at once) refetches the counts once. */
const COUNTS_DELAY_MS = 300;

/**
 * A moderator's view of every evaluator of a course or a cohort: the counts (one query on the
 * server) and each evaluator's week board, reusing the evaluator desk. Kept live by the board
 * rooms of the scope's courses (`board.changed`, `board.refresh`) and the request events staff hear.
 */
export class EvaluatorBoards {
  readonly scope: BoardsScope;
  readonly counts = new Snapshot<EvaluatorBoardsDto>((signal) => getEvaluatorBoards(this.scope, signal));
  /** One desk per evaluator, made when the counts name them. */
  desks = $state<EvaluatorDesk[]>([]);
  courseIds = $derived(this.counts.value?.courseIds ?? []);

  #timer: ReturnType<typeof setTimeout> | undefined;
  #everything = false;

  constructor(scope: BoardsScope) {
    this.scope = scope;
  }

  async load(): Promise<void> {
    await this.counts.load();
    const ids = this.counts.value?.evaluators.map((e) => e.evaluatorId) ?? [];
    const kept = this.desks.filter((desk) => ids.includes(desk.evaluatorId));
    const added = ids.filter((id) => !kept.some((desk) => desk.evaluatorId === id)).map((id) => new EvaluatorDesk(id));
    for (const desk of this.desks) if (!kept.includes(desk)) desk.dispose();
    this.desks = ids.map((id) => kept.find((d) => d.evaluatorId === id) ?? added.find((d) => d.evaluatorId === id)!);
    await Promise.all(this.desks.map((desk) => desk.load()));
  }

  deskOf(evaluatorId: string): EvaluatorDesk | undefined {
    return this.desks.find((desk) => desk.evaluatorId === evaluatorId);
  }

  applyBoardChange(change: BoardChangeDto): void {
    for (const desk of this.desks) desk.applyBoardChange(change);
    if (this.#concerns(change.evaluatorId, change.courseIds)) this.#refetchCounts();
  }

  applyBoardRefresh(refresh: BoardRefreshDto): void {
    for (const desk of this.desks) desk.applyBoardRefresh(refresh);
    // Evaluators may have been mapped or unmapped: the whole view, desks included.
    if (this.#concerns(refresh.evaluatorId, refresh.courseIds)) this.#refetchCounts(true);
  }

  /** A request booked, moved, cancelled or completed: its evaluator's board and the counts. */
  applyRequest(request: CertificateRequestDto): void {
    for (const desk of this.desks) desk.applyRequest(request);
    if (this.#concerns(request.evaluatorId, [request.courseId])) this.#refetchCounts();
  }

  dispose(): void {
    clearTimeout(this.#timer);
    for (const desk of this.desks) desk.dispose();
  }

  #concerns(evaluatorId: string | null, courseIds: readonly string[]): boolean {
    return (evaluatorId !== null && this.desks.some((d) => d.evaluatorId === evaluatorId)) || courseIds.some((id) => this.courseIds.includes(id));
  }

  #refetchCounts(everything = false): void {
    clearTimeout(this.#timer);
    this.#everything ||= everything;
    this.#timer = setTimeout(() => {
      const whole = this.#everything;
      this.#everything = false;
      void (whole ? this.load() : this.counts.load());
    }, COUNTS_DELAY_MS);
  }
}
