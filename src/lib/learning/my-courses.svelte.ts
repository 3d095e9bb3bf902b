import type { CourseDto } from '$server/modules/courses/dto.ts';
import type { EnrollmentDto } from '$server/modules/enrollment/dto.ts';
import { listMyEnrollments } from '$lib/api/client';
import type { MyEnrollmentsDto } from '$server/modules/enrollment/dto.ts';
import { Snapshot } from '$lib/snapshot.svelte';

export interface MyCourse {
  enrollment: EnrollmentDto;
  course: CourseDto;
}

/**
 * The signed-in learner's courses with their progress, most recently studied first, kept
 * current by their own `enrollment.updated` events (staff also hear other people's: those are
 * ignored here).
 *
 * @example const mine = new MyCourses(() => session.user?.id); connection.on('enrollment.updated', (e) => mine.applyEvent(e));
 */
export class MyCourses {
  readonly list = new Snapshot<MyEnrollmentsDto>((signal) => listMyEnrollments(signal));
  /** Active enrollments, the one studied last first. */
  readonly active: MyCourse[] = $derived(
    (this.list.value?.items ?? [])
      .filter((item) => item.enrollment.status === 'active')
      .toSorted((a, b) => b.enrollment.updatedAt.localeCompare(a.enrollment.updatedAt)),
  );
  /** Course id → the learner's enrollment in it (any status). */
  readonly byCourse: ReadonlyMap<string, EnrollmentDto> = $derived(new Map((this.list.value?.items ?? []).map((item) => [item.course.id, item.enrollment])));

  #userId: () => string | undefined;
  #reloadTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(userId: () => string | undefined) {
    this.#userId = userId;
  }

  load(): Promise<void> {
    return this.list.load();
  }

  /** An enrollment of ours changed: update it in place, or refetch when it is a course we have not loaded. */
  applyEvent(enrollment: EnrollmentDto): void {
    if (enrollment.userId !== this.#userId()) return;
    const known = this.list.value?.items.find((item) => item.enrollment.id === enrollment.id || item.course.id === enrollment.courseId);
    if (known) {
      this.#replace(enrollment);
      return;
    }
    if (enrollment.status !== 'active') return;
    // A new enrollment (staff enrolled us, a cohort did): its course card needs the course.
    clearTimeout(this.#reloadTimer);
    this.#reloadTimer = setTimeout(() => void this.load(), 250);
  }

  /** Our own answer (enrol, complete): same as an event. */
  apply(enrollment: EnrollmentDto, course?: CourseDto): void {
    if (!this.list.value?.items.some((item) => item.course.id === enrollment.courseId) && course) {
      this.list.update((value) => ({ items: [...value.items, { enrollment, course }] }));
      return;
    }
    this.applyEvent(enrollment);
  }

  dispose(): void {
    clearTimeout(this.#reloadTimer);
  }

  #replace(enrollment: EnrollmentDto): void {
    this.list.update((value) => ({
      items: value.items.map((item) =>
        item.course.id === enrollment.courseId && enrollment.updatedAt >= item.enrollment.updatedAt ? { ...item, enrollment } : item,
      ),
    }));
  }
}

/** What the button on a course the learner is enrolled in says. */
export function resumeLabel(enrollment: EnrollmentDto): 'Start' | 'Resume' | 'Review' {
  if (enrollment.completedAt || enrollment.progress >= 100) return 'Review';
  if (enrollment.progress > 0 || enrollment.currentLessonId || enrollment.completedLessonIds.length > 0) return 'Resume';
  return 'Start';
}
