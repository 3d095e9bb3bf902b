import type { EnrollmentDto, LearnCourseDto, LearnLessonDto } from '$server/modules/enrollment/dto.ts';
import { completeLesson, getLearnCourse, getLearnLesson, type LearnOutlineItemDto } from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';

/** A lesson or quiz of the course, as addressed in the player's URL. */
export interface StudyItem {
  kind: 'lesson' | 'quiz';
  id: string;
}

export const sameItem = (a: StudyItem | null | undefined, b: StudyItem | null | undefined) => Boolean(a && b && a.kind === b.kind && a.id === b.id);

/**
 * One learner studying one course: the outline, their enrollment (kept current by
 * `enrollment.updated`, so another tab completing a lesson ticks it off here too), and the lesson
 * on screen. Done marks and progress come from the enrollment, never from the outline's copy.
 *
 * @example const study = new CourseStudy(courseId, () => session.user?.id); await study.load();
 */
export class CourseStudy {
  #userId: () => string | undefined;
  #lessonId: string | null = null;
  readonly courseId: string;
  // The readers run at load time, after the constructor has set the ids they use.
  readonly outline = new Snapshot<LearnCourseDto>((signal) => getLearnCourse(this.courseId, signal));
  readonly lesson = new Snapshot<LearnLessonDto>((signal) => getLearnLesson(this.#lessonId ?? '', signal));
  /** The newest copy of the learner's enrollment: from the snapshot, an answer or an event. */
  enrollment = $state<EnrollmentDto | null>(null);
  /** Lessons being marked complete. */
  completing = $state<Record<string, boolean>>({});

  /** Every lesson and quiz in reading order. */
  readonly items: LearnOutlineItemDto[] = $derived(this.outline.value?.chapters.flatMap((chapter) => chapter.items) ?? []);
  readonly doneIds: ReadonlySet<string> = $derived(new Set([...(this.enrollment?.completedLessonIds ?? []), ...(this.enrollment?.passedQuizIds ?? [])]));
  readonly progress = $derived(this.enrollment?.progress ?? 0);
  readonly complete = $derived(Boolean(this.enrollment && (this.enrollment.completedAt || this.enrollment.progress >= 100)));
  /** Where the learner picks up when the address names no item. */
  readonly resumeItem: StudyItem | null = $derived.by(() => {
    const resume = this.outline.value?.resumeLessonId;
    if (resume) return { kind: 'lesson', id: resume };
    const first = this.items[0];
    return first ? { kind: first.kind, id: first.id } : null;
  });

  constructor(courseId: string, userId: () => string | undefined) {
    this.courseId = courseId;
    this.#userId = userId;
  }

  async load(): Promise<void> {
    await this.outline.load();
    const fresh = this.outline.value?.enrollment;
    if (fresh) this.#take(fresh);
  }

  /** Opens a lesson (the server makes it the current one). Reopening the shown lesson refreshes it. */
  openLesson(lessonId: string): Promise<void> {
    if (this.#lessonId !== lessonId) this.lesson.value = undefined;
    this.#lessonId = lessonId;
    return this.lesson.load();
  }

  /** Reloads what is on screen after a reconnect. */
  resync(): void {
    void this.load();
    if (this.#lessonId) void this.lesson.load();
  }

  isDone(item: StudyItem): boolean {
    return this.doneIds.has(item.id);
  }

  find(item: StudyItem | null): LearnOutlineItemDto | undefined {
    return item ? this.items.find((candidate) => sameItem(candidate, item)) : undefined;
  }

  /** The items before and after `item` in reading order. */
  neighbours(item: StudyItem): { previous: LearnOutlineItemDto | null; next: LearnOutlineItemDto | null } {
    const index = this.items.findIndex((candidate) => sameItem(candidate, item));
    if (index < 0) return { previous: null, next: null };
    return { previous: this.items[index - 1] ?? null, next: this.items[index + 1] ?? null };
  }

  async completeLesson(lessonId: string): Promise<void> {
    this.completing[lessonId] = true;
    try {
      this.applyEnrollment(await completeLesson(lessonId));
    } finally {
      delete this.completing[lessonId];
    }
  }

  /** An `enrollment.updated` event or an answer: ours, for this course, newer than what we hold. */
  applyEnrollment(enrollment: EnrollmentDto): void {
    if (enrollment.courseId !== this.courseId || enrollment.userId !== this.#userId()) return;
    if (enrollment.status !== 'active') {
      // Access removed (by staff, elsewhere): the snapshot answers `not_enrolled` and the page says so.
      void this.load();
      return;
    }
    const held = this.enrollment;
    const sameWork =
      held !== null &&
      held.completedLessonIds.length === enrollment.completedLessonIds.length &&
      held.passedQuizIds.length === enrollment.passedQuizIds.length;
    this.#take(enrollment);
    // Progress moved with no new completion: the course's lessons or quizzes changed (learners do
    // not hear `course.updated`), so the outline on screen is out of date.
    if (sameWork && held.progress !== enrollment.progress) void this.load();
  }

  #take(enrollment: EnrollmentDto): void {
    const held = this.enrollment;
    // Events can overtake each other across nodes (and a snapshot can be older than an event
    // heard while it loaded): keep the newest copy.
    if (held && held.id === enrollment.id && enrollment.updatedAt < held.updatedAt) return;
    this.enrollment = enrollment;
  }
}
