import type { CourseOutlineDto, OutlineItemDto } from '$server/modules/courses/dto.ts';

type Chapters = CourseOutlineDto['chapters'];
export type Direction = 'up' | 'down';

/**
 * The outline after moving one item a step: within its chapter, or across the chapter boundary
 * (the first item of a chapter moving up goes to the end of the chapter before). Unchanged when
 * it cannot move.
 * @example moveItem(chapters, { kind: 'lesson', id }, 'up')
 */
export function moveItem(chapters: Chapters, item: { kind: OutlineItemDto['kind']; id: string }, direction: Direction): Chapters {
  const next = chapters.map((chapter) => ({ ...chapter, items: [...chapter.items] }));
  const chapterIndex = next.findIndex((chapter) => chapter.items.some((candidate) => candidate.kind === item.kind && candidate.id === item.id));
  if (chapterIndex < 0) return chapters;
  const items = next[chapterIndex].items;
  const index = items.findIndex((candidate) => candidate.kind === item.kind && candidate.id === item.id);
  const [moving] = items.splice(index, 1);
  if (direction === 'up') {
    if (index > 0) items.splice(index - 1, 0, moving);
    else if (chapterIndex > 0) next[chapterIndex - 1].items.push(moving);
    else return chapters;
  } else {
    if (index < items.length) items.splice(index + 1, 0, moving);
    else if (chapterIndex < next.length - 1) next[chapterIndex + 1].items.unshift(moving);
    else return chapters;
  }
  return next;
}

/** The outline after moving a chapter one place. */
export function moveChapter(chapters: Chapters, chapterId: string, direction: Direction): Chapters {
  const index = chapters.findIndex((chapter) => chapter.id === chapterId);
  const target = direction === 'up' ? index - 1 : index + 1;
  if (index < 0 || target < 0 || target >= chapters.length) return chapters;
  const next = [...chapters];
  [next[index], next[target]] = [next[target], next[index]];
  return next;
}

/** The body of PUT /courses/{id}/outline for this order. */
export function outlineOrder(chapters: Chapters) {
  return { chapters: chapters.map((chapter) => ({ id: chapter.id, items: chapter.items.map((item) => ({ kind: item.kind, id: item.id })) })) };
}

/** Whether an item can move a step (it is not the very first, or the very last, of the course). */
export function canMoveItem(chapters: Chapters, chapterIndex: number, itemIndex: number, direction: Direction): boolean {
  if (direction === 'up') return chapterIndex > 0 || itemIndex > 0;
  return chapterIndex < chapters.length - 1 || itemIndex < chapters[chapterIndex].items.length - 1;
}
