import type { EnrollmentDto, EnrollmentListDto, ImportResultDto, StaffEnrolResultDto } from '$server/modules/enrollment/dto.ts';
import { enrolUsers, importEnrollments, listCourseEnrollments, removeEnrollment } from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';

export type LearnerStatusFilter = '' | EnrollmentDto['status'];

/**
 * A course's learners for its staff: one page of enrollments with live progress (from
 * `enrollment.updated` in the watched `course:<id>` room), and the ways to enrol or remove people.
 */
export class CourseLearners {
  readonly courseId: string;
  search = $state('');
  status = $state<LearnerStatusFilter>('active');
  offset = $state(0);
  readonly limit: number;
  readonly list: Snapshot<EnrollmentListDto>;
  /** Enrollments with a removal in flight. */
  removing = $state<Record<string, boolean>>({});

  #reloadTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(courseId: string, limit = 25) {
    this.courseId = courseId;
    this.limit = limit;
    this.list = new Snapshot((signal) =>
      listCourseEnrollments(this.courseId, { search: this.search.trim() || undefined, status: this.status || undefined, limit: this.limit, offset: this.offset }, signal),
    );
  }

  load(): Promise<void> {
    return this.list.load();
  }

  filter(change: { search?: string; status?: LearnerStatusFilter }): void {
    if (change.search !== undefined) this.search = change.search;
    if (change.status !== undefined) this.status = change.status;
    this.offset = 0;
    void this.load();
  }

  goTo(offset: number): void {
    this.offset = offset;
    void this.load();
  }

  /** A learner's enrollment in this course changed: update the row, or refetch when the page may gain or lose one. */
  applyEvent(enrollment: EnrollmentDto): void {
    if (enrollment.courseId !== this.courseId) return;
    const shown = this.list.value?.enrollments.find((row) => row.id === enrollment.id);
    if (shown) {
      if (enrollment.updatedAt < shown.updatedAt) return;
      this.#replace(enrollment);
      if (shown.status === enrollment.status) return;
    }
    // Someone new enrolled, or a status changed under a status filter: the page's rows and total move.
    clearTimeout(this.#reloadTimer);
    this.#reloadTimer = setTimeout(() => void this.load(), 300);
  }

  async enrol(userIds: string[]): Promise<StaffEnrolResultDto> {
    const result = await enrolUsers(this.courseId, userIds);
    void this.load();
    return result;
  }

  async importCsv(csv: string): Promise<ImportResultDto> {
    const result = await importEnrollments(this.courseId, csv);
    void this.load();
    return result;
  }

  async remove(enrollment: EnrollmentDto): Promise<void> {
    this.removing[enrollment.id] = true;
    try {
      this.applyEvent(await removeEnrollment(enrollment.id));
    } finally {
      delete this.removing[enrollment.id];
    }
  }

  dispose(): void {
    clearTimeout(this.#reloadTimer);
  }

  #replace(enrollment: EnrollmentDto): void {
    this.list.update((page) => ({ ...page, enrollments: page.enrollments.map((row) => (row.id === enrollment.id ? enrollment : row)) }));
  }
}

/** How each enrolment outcome reads to staff. */
export const enrolOutcomeLabels: Record<string, { label: string; tone: 'success' | 'warning' | 'danger' | '' }> = {
  enrolled: { label: 'Enrolled', tone: 'success' },
  reactivated: { label: 'Enrolled again', tone: 'success' },
  already_enrolled: { label: 'Already enrolled', tone: '' },
  unknown_user: { label: 'No such person', tone: 'danger' },
  invalid_email: { label: 'Not an email address', tone: 'danger' },
  duplicate: { label: 'Listed twice', tone: 'warning' },
};
