import type { CourseDto, CourseListDto } from '$server/modules/courses/dto.ts';
import type { EnrollmentDto } from '$server/modules/enrollment/dto.ts';
import { enrollInCourse, listCatalogue } from '$lib/api/client';
import { MyCourses } from '$lib/learning/my-courses.svelte';
import { Snapshot } from '$lib/snapshot.svelte';

export type MandatoryFilter = '' | 'true' | 'false';

/**
 * The catalogue: one page of published courses for a search and a mandatory filter, beside the
 * learner's own enrollments so each card says Enrol, or Continue once enrolled.
 */
export class Catalogue {
  search = $state('');
  mandatory = $state<MandatoryFilter>('');
  offset = $state(0);
  /** Courses with an enrolment request in flight. */
  enrolling = $state<Record<string, boolean>>({});
  readonly limit: number;
  readonly list: Snapshot<CourseListDto>;
  readonly mine: MyCourses;

  constructor(userId: () => string | undefined, limit = 12) {
    this.limit = limit;
    this.mine = new MyCourses(userId);
    this.list = new Snapshot((signal) =>
      listCatalogue(
        {
          search: this.search.trim() || undefined,
          mandatory: this.mandatory === '' ? undefined : this.mandatory === 'true',
          limit: this.limit,
          offset: this.offset,
        },
        signal,
      ),
    );
  }

  load(): Promise<void> {
    return Promise.all([this.list.load(), this.mine.load()]).then(() => undefined);
  }

  filter(change: { search?: string; mandatory?: MandatoryFilter }): void {
    if (change.search !== undefined) this.search = change.search;
    if (change.mandatory !== undefined) this.mandatory = change.mandatory;
    this.offset = 0;
    void this.list.load();
  }

  goTo(offset: number): void {
    this.offset = offset;
    void this.list.load();
  }

  /** The learner's active enrollment in this course, if any. */
  enrollmentIn(courseId: string): EnrollmentDto | undefined {
    const enrollment = this.mine.byCourse.get(courseId);
    return enrollment?.status === 'active' ? enrollment : undefined;
  }

  /** Enrols the learner; throws the API error for the page to show. */
  async enrol(course: CourseDto): Promise<EnrollmentDto> {
    this.enrolling[course.id] = true;
    try {
      const enrollment = await enrollInCourse(course.id);
      this.mine.apply(enrollment, course);
      return enrollment;
    } finally {
      delete this.enrolling[course.id];
    }
  }

  dispose(): void {
    this.mine.dispose();
  }
}
