import { getTrainingCompliance, listTrainingAssignments, type ComplianceDto, type TrainingAssignmentDto, type TrainingAssignmentQuery } from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';

/**
 * The moderators' training page: compliance figures and a filtered page of assignments. Live:
 * a changed assignment is replaced in place, and the figures are fetched again (debounced) since
 * one change moves several counts.
 */
export class TrainingAdmin {
  readonly limit = 50;
  filters = $state<Omit<TrainingAssignmentQuery, 'limit' | 'offset'>>({});
  offset = $state(0);
  readonly compliance = new Snapshot<ComplianceDto>((signal) => getTrainingCompliance(signal));
  readonly assignments = new Snapshot<{ assignments: TrainingAssignmentDto[]; total: number }>((signal) =>
    listTrainingAssignments({ ...this.filters, limit: this.limit, offset: this.offset }, signal),
  );
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;

  load(): Promise<unknown> {
    return Promise.all([this.compliance.load(), this.assignments.load()]);
  }

  filter(filters: Omit<TrainingAssignmentQuery, 'limit' | 'offset'>): void {
    this.filters = filters;
    this.offset = 0;
    void this.assignments.load();
  }

  goTo(offset: number): void {
    this.offset = offset;
    void this.assignments.load();
  }

  applyEvent(assignment: TrainingAssignmentDto): void {
    this.assignments.update((value) => ({
      ...value,
      assignments: value.assignments.map((a) => (a.id === assignment.id && assignment.updatedAt >= a.updatedAt ? assignment : a)),
    }));
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = setTimeout(() => void this.compliance.load(), 500);
  }

  /** After a bulk assignment: new rows to list, new counts. */
  refresh(): void {
    void this.load();
  }

  dispose(): void {
    clearTimeout(this.#refreshTimer);
  }
}
