import { listMyTraining, type TrainingAssignmentDto } from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';

/** Overdue first, then open ones by due date, completed last (newest first). */
export function trainingOrder(a: TrainingAssignmentDto, b: TrainingAssignmentDto): number {
  const rank = (x: TrainingAssignmentDto) => (x.status === 'overdue' ? 0 : x.status === 'completed' ? 2 : 1);
  return rank(a) - rank(b) || (rank(a) === 2 ? b.dueOn.localeCompare(a.dueOn) : a.dueOn.localeCompare(b.dueOn)) || a.number - b.number;
}

export const trainingStatusLabels: Record<TrainingAssignmentDto['status'], string> = {
  pending: 'Pending',
  in_progress: 'In progress',
  completed: 'Completed',
  overdue: 'Overdue',
};

export const trainingStatusTone: Record<TrainingAssignmentDto['status'], string> = {
  pending: '',
  in_progress: 'accent',
  completed: 'success',
  overdue: 'danger',
};

/**
 * The signed-in learner's mandatory training, kept current by their own
 * `trainingAssignment.updated` events (staff also hear other people's: ignored here).
 * @example const training = new MyTraining(() => session.user?.id); connection.on('trainingAssignment.updated', (a) => training.applyEvent(a));
 */
export class MyTraining {
  readonly list = new Snapshot<{ assignments: TrainingAssignmentDto[] }>((signal) => listMyTraining(signal));
  readonly assignments: TrainingAssignmentDto[] = $derived((this.list.value?.assignments ?? []).toSorted(trainingOrder));
  readonly overdueCount: number = $derived(this.assignments.filter((a) => a.status === 'overdue').length);

  #userId: () => string | undefined;

  constructor(userId: () => string | undefined) {
    this.#userId = userId;
  }

  load(): Promise<void> {
    return this.list.load();
  }

  /** A new or changed assignment of ours: replace it (newer only) or add it. */
  applyEvent(assignment: TrainingAssignmentDto): void {
    if (assignment.userId !== this.#userId()) return;
    this.list.update((value) => {
      const known = value.assignments.find((a) => a.id === assignment.id);
      if (!known) return { assignments: [...value.assignments, assignment] };
      if (assignment.updatedAt < known.updatedAt) return value;
      return { assignments: value.assignments.map((a) => (a.id === assignment.id ? assignment : a)) };
    });
  }

  /** Our enrollment's progress changed: show it on the assignment right away. */
  applyProgress(enrollment: { id: string; userId: string; progress: number }): void {
    if (enrollment.userId !== this.#userId()) return;
    this.list.update((value) => ({
      assignments: value.assignments.map((a) => (a.enrollmentId === enrollment.id ? { ...a, progress: enrollment.progress } : a)),
    }));
  }
}
