import type { CohortDto, CohortListDto, MyCohortsDto } from '$server/modules/cohorts/dto.ts';
import type { EnrollmentDto } from '$server/modules/enrollment/dto.ts';
import { createCohort, listCohorts, listMyCohorts } from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';

/**
 * The cohorts someone may see (all, for staff; those they teach, evaluate or belong to,
 * otherwise), one page at a time, kept current by `cohort.updated`.
 */
export class CohortList {
  search = $state('');
  offset = $state(0);
  readonly limit: number;
  readonly list: Snapshot<CohortListDto>;
  #reloadTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(limit = 20) {
    this.limit = limit;
    this.list = new Snapshot((signal) => listCohorts({ search: this.search.trim() || undefined, limit: this.limit, offset: this.offset }, signal));
  }

  load(): Promise<void> {
    return this.list.load();
  }

  filter(search: string): void {
    this.search = search;
    this.offset = 0;
    void this.load();
  }

  goTo(offset: number): void {
    this.offset = offset;
    void this.load();
  }

  /** Updates a shown cohort in place; a cohort not on the page (a new one) refetches the page. */
  applyEvent(cohort: CohortDto): void {
    const shown = this.list.value?.cohorts.find((candidate) => candidate.id === cohort.id);
    if (shown) {
      if (cohort.updatedAt >= shown.updatedAt) {
        this.list.update((page) => ({ ...page, cohorts: page.cohorts.map((candidate) => (candidate.id === cohort.id ? cohort : candidate)) }));
      }
      return;
    }
    clearTimeout(this.#reloadTimer);
    this.#reloadTimer = setTimeout(() => void this.load(), 300);
  }

  create(input: Parameters<typeof createCohort>[0]): Promise<CohortDto> {
    return createCohort(input);
  }

  dispose(): void {
    clearTimeout(this.#reloadTimer);
  }
}

/** The cohorts the signed-in learner belongs to, with their progress in each cohort course. */
export class MyCohorts {
  readonly list = new Snapshot<MyCohortsDto>((signal) => listMyCohorts(signal));

  load(): Promise<void> {
    return this.list.load();
  }

  /** Our progress changed in a course of some cohort: update its cell. */
  applyEnrollment(enrollment: EnrollmentDto, userId: string | undefined): void {
    if (enrollment.userId !== userId) return;
    this.list.update((value) => ({
      cohorts: value.cohorts.map((entry) =>
        enrollment.cohortIds.includes(entry.cohort.id)
          ? {
              ...entry,
              progress: {
                ...entry.progress,
                [enrollment.courseId]: {
                  enrollmentId: enrollment.id,
                  progress: enrollment.progress,
                  status: enrollment.status,
                  currentLessonId: enrollment.currentLessonId,
                  completedAt: enrollment.completedAt,
                },
              },
            }
          : entry,
      ),
    }));
  }
}
