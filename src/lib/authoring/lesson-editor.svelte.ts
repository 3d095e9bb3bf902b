import type { LessonDto } from '$server/modules/courses/dto.ts';
import { ApiError, getLesson, updateLesson } from '$lib/api/client';
import { fieldErrors } from '$lib/api/field-errors';
import { Snapshot } from '$lib/snapshot.svelte';
import { describeApiError } from '$lib/toasts.svelte';

/**
 * A lesson being written: the saved lesson (with the server's sanitised HTML, which the preview
 * shows) and the draft in the form. Saving sends only what changed.
 */
export class LessonEditor {
  readonly lessonId: string;
  readonly lesson = new Snapshot<LessonDto>((signal) => getLesson(this.lessonId, signal));
  title = $state('');
  body = $state('');
  videoUrl = $state('');
  saving = $state(false);
  errors = $state<Record<string, string>>({});
  formError = $state<string | null>(null);

  readonly dirty = $derived.by(() => {
    const saved = this.lesson.value;
    return Boolean(saved && (this.title !== saved.title || this.body !== saved.body || this.videoUrl.trim() !== (saved.videoUrl ?? '')));
  });

  constructor(lessonId: string) {
    this.lessonId = lessonId;
  }

  /** Loads the lesson; the draft follows it unless it has unsaved changes. */
  async load(): Promise<void> {
    const hadChanges = this.dirty;
    await this.lesson.load();
    if (!hadChanges && this.lesson.value) this.#reset(this.lesson.value);
  }

  /** Saves the draft; returns false (with messages set) when the server refuses. */
  async save(): Promise<boolean> {
    const saved = this.lesson.value;
    if (!saved) return false;
    this.saving = true;
    this.errors = {};
    this.formError = null;
    const videoUrl = this.videoUrl.trim() || null;
    try {
      const lesson = await updateLesson(this.lessonId, {
        ...(this.title !== saved.title ? { title: this.title } : {}),
        ...(this.body !== saved.body ? { body: this.body } : {}),
        ...(videoUrl !== saved.videoUrl ? { videoUrl } : {}),
      });
      this.lesson.value = lesson;
      this.#reset(lesson);
      return true;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.errors = fieldErrors(error.details);
      this.formError = Object.keys(this.errors).length ? null : describeApiError(error);
      return false;
    } finally {
      this.saving = false;
    }
  }

  /** Throws away unsaved changes. */
  discard(): void {
    if (this.lesson.value) this.#reset(this.lesson.value);
    this.errors = {};
    this.formError = null;
  }

  #reset(lesson: LessonDto): void {
    this.title = lesson.title;
    this.body = lesson.body;
    this.videoUrl = lesson.videoUrl ?? '';
  }
}
