import type { CourseDto, CourseOutlineDto, LessonDto, OutlineItemDto, QuizAuthoringDto, courseUpdateInput } from '$server/modules/courses/dto.ts';
import type { z } from 'zod';
import * as api from '$lib/api/client';
import type { CourseDetailDto } from '$lib/api/client';
import { moveChapter, moveItem, outlineOrder, type Direction } from '$lib/authoring/outline-order';
import { Snapshot } from '$lib/snapshot.svelte';

/**
 * A course being written: its settings, status, instructors and outline. Every change answers
 * with the new state, which replaces what is shown; `course.updated` from a co-author makes it
 * refetch, so two people editing at once see each other's work.
 *
 * @example const editor = new CourseEditor(id); await editor.load(); await editor.move({ kind: 'lesson', id }, 'up');
 */
export class CourseEditor {
  readonly courseId: string;
  readonly detail = new Snapshot<CourseDetailDto>((signal) => api.getCourse(this.courseId, signal));
  /** What is being saved, for spinners and disabled buttons: 'settings', 'status', 'outline', … */
  busy = $state<Record<string, boolean>>({});

  #reloadTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(courseId: string) {
    this.courseId = courseId;
  }

  get course(): CourseDto | undefined {
    return this.detail.value?.course;
  }

  load(): Promise<void> {
    return this.detail.load();
  }

  /** Someone changed this course (maybe us): refetch when it is newer than what we show. */
  applyCourseEvent(course: CourseDto): void {
    if (course.id !== this.courseId) return;
    const shown = this.detail.value?.course;
    if (shown && course.updatedAt <= shown.updatedAt) return;
    // The event carries the settings but not the outline, which may have changed too.
    clearTimeout(this.#reloadTimer);
    this.#reloadTimer = setTimeout(() => void this.load(), 250);
  }

  saveSettings(changes: z.input<typeof courseUpdateInput>): Promise<CourseDto> {
    return this.#run('settings', async () => this.#setCourse(await api.updateCourse(this.courseId, changes)));
  }

  setPublished(published: boolean): Promise<CourseDto> {
    return this.#run('status', async () => this.#setCourse(await (published ? api.publishCourse(this.courseId) : api.unpublishCourse(this.courseId))));
  }

  setInstructors(userIds: string[]): Promise<CourseDto> {
    return this.#run('instructors', async () => this.#setCourse(await api.setCourseInstructors(this.courseId, userIds)));
  }

  delete(): Promise<void> {
    return this.#run('delete', () => api.deleteCourse(this.courseId));
  }

  addChapter(title: string): Promise<void> {
    return this.#run('outline', async () => this.#setOutline(await api.addChapter(this.courseId, title)));
  }

  renameChapter(chapterId: string, title: string): Promise<void> {
    return this.#run(`chapter:${chapterId}`, async () => this.#setOutline(await api.renameChapter(chapterId, title)));
  }

  deleteChapter(chapterId: string): Promise<void> {
    return this.#run(`chapter:${chapterId}`, async () => this.#setOutline(await api.deleteChapter(chapterId)));
  }

  /** Adds a lesson with just a title; the lesson editor fills in the rest. */
  addLesson(chapterId: string, title: string): Promise<LessonDto> {
    return this.#run(`chapter:${chapterId}`, async () => {
      const lesson = await api.addLesson(chapterId, { title });
      await this.load();
      return lesson;
    });
  }

  /** Adds an empty quiz; its questions are written in the quiz editor. */
  addQuiz(chapterId: string, title: string): Promise<QuizAuthoringDto> {
    return this.#run(`chapter:${chapterId}`, async () => {
      const quiz = await api.addQuiz(chapterId, { title });
      await this.load();
      return quiz;
    });
  }

  deleteItem(item: { kind: OutlineItemDto['kind']; id: string }): Promise<void> {
    return this.#run(`${item.kind}:${item.id}`, async () => {
      if (item.kind === 'lesson') this.#setOutline(await api.deleteLesson(item.id));
      else {
        await api.deleteQuiz(item.id);
        await this.load();
      }
    });
  }

  /** Moves a lesson or quiz one step, across chapters at their edges. Shown at once, undone if refused. */
  moveItem(item: { kind: OutlineItemDto['kind']; id: string }, direction: Direction): Promise<void> {
    return this.#reorder((chapters) => moveItem(chapters, item, direction));
  }

  moveChapter(chapterId: string, direction: Direction): Promise<void> {
    return this.#reorder((chapters) => moveChapter(chapters, chapterId, direction));
  }

  dispose(): void {
    clearTimeout(this.#reloadTimer);
  }

  async #reorder(change: (chapters: CourseOutlineDto['chapters']) => CourseOutlineDto['chapters']): Promise<void> {
    const before = this.detail.value;
    if (!before || this.busy.outline) return;
    const chapters = change(before.chapters);
    if (chapters === before.chapters) return;
    this.detail.update((detail) => ({ ...detail, chapters }));
    try {
      await this.#run('outline', async () => this.#setOutline(await api.reorderOutline(this.courseId, outlineOrder(chapters))));
    } catch (error) {
      // Refused (someone else changed the outline meanwhile): show the real one again.
      await this.load();
      throw error;
    }
  }

  async #run<T>(key: string, action: () => Promise<T>): Promise<T> {
    this.busy[key] = true;
    try {
      return await action();
    } finally {
      delete this.busy[key];
    }
  }

  #setCourse(course: CourseDto): CourseDto {
    this.detail.update((detail) => ({ ...detail, course }));
    return course;
  }

  #setOutline(outline: CourseOutlineDto): void {
    this.detail.update((detail) => ({ ...detail, course: outline.course, chapters: outline.chapters }));
  }
}
