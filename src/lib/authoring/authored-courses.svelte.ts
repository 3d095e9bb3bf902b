import type { CourseDto, CourseListDto } from '$server/modules/courses/dto.ts';
import { createCourse, listAuthoredCourses } from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';

export type StatusFilter = '' | CourseDto['status'];

/**
 * The courses someone authors (every course, for moderators): one page for a search and a
 * status, with `course.updated` events applied in place.
 */
export class AuthoredCourses {
  search = $state('');
  status = $state<StatusFilter>('');
  offset = $state(0);
  readonly limit: number;
  readonly list: Snapshot<CourseListDto>;

  constructor(limit = 20) {
    this.limit = limit;
    this.list = new Snapshot((signal) =>
      listAuthoredCourses({ search: this.search.trim() || undefined, status: this.status || undefined, limit: this.limit, offset: this.offset }, signal),
    );
  }

  load(): Promise<void> {
    return this.list.load();
  }

  filter(change: { search?: string; status?: StatusFilter }): void {
    if (change.search !== undefined) this.search = change.search;
    if (change.status !== undefined) this.status = change.status;
    this.offset = 0;
    void this.load();
  }

  goTo(offset: number): void {
    this.offset = offset;
    void this.load();
  }

  /** A course's settings or status changed: show the newest copy if it is on this page. */
  applyEvent(course: CourseDto): void {
    this.list.update((page) => ({
      ...page,
      courses: page.courses.map((shown) => (shown.id === course.id && course.updatedAt >= shown.updatedAt ? course : shown)),
    }));
  }

  /** Creates a draft with just a title; the editor fills in the rest. */
  create(title: string): Promise<CourseDto> {
    return createCourse({ title });
  }
}
