import type { CohortDashboardDto, CohortDetailDto, CohortDto, MemberListDto, cohortCoursesInput, cohortUpdateInput } from '$server/modules/cohorts/dto.ts';
import type { EnrollmentDto } from '$server/modules/enrollment/dto.ts';
import type { z } from 'zod';
import * as api from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';

type Dashboard = CohortDashboardDto;

/**
 * One cohort's page: its details, members and (for staff and the people who run it) the
 * dashboard of every member's progress in every course. The dashboard is kept current cell by
 * cell from `enrollment.updated` events naming this cohort, and refetched when membership or
 * courses change (`cohort.updated`) or after a reconnect.
 */
export class CohortPage {
  readonly cohortId: string;
  readonly detail = new Snapshot<CohortDetailDto>((signal) => api.getCohort(this.cohortId, signal));
  readonly dashboard = new Snapshot<Dashboard>((signal) => api.getCohortDashboard(this.cohortId, signal));
  readonly members = new Snapshot<MemberListDto>((signal) =>
    api.listCohortMembers(this.cohortId, { search: this.memberSearch.trim() || undefined, limit: this.memberLimit, offset: this.memberOffset }, signal),
  );
  memberSearch = $state('');
  memberOffset = $state(0);
  readonly memberLimit = 25;
  busy = $state<Record<string, boolean>>({});

  /** Staff and the cohort's runners see members and the dashboard; members see the cohort only. */
  readonly canSeeDashboard = $derived(this.detail.value ? this.detail.value.members !== null : false);

  #reloadTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(cohortId: string) {
    this.cohortId = cohortId;
  }

  get cohort(): CohortDto | undefined {
    return this.detail.value;
  }

  /** The cohort, then (when allowed) its dashboard and members. */
  async load(): Promise<void> {
    await this.detail.load();
    if (this.canSeeDashboard) await Promise.all([this.dashboard.load(), this.members.load()]);
  }

  filterMembers(search: string): void {
    this.memberSearch = search;
    this.memberOffset = 0;
    void this.members.load();
  }

  goToMembers(offset: number): void {
    this.memberOffset = offset;
    void this.members.load();
  }

  /** The cohort changed. Details are replaced at once; a change of members or courses refetches the lists. */
  applyCohortEvent(cohort: CohortDto): void {
    if (cohort.id !== this.cohortId) return;
    const shown = this.detail.value;
    if (!shown || cohort.updatedAt < shown.updatedAt) return;
    const sameCourses = JSON.stringify(shown.courses) === JSON.stringify(cohort.courses);
    const sameMembers = shown.memberCount === cohort.memberCount;
    this.detail.update((detail) => ({ ...detail, ...cohort }));
    if ((!sameCourses || !sameMembers) && this.canSeeDashboard) this.#reloadSoon();
  }

  /** A member's progress in a cohort course changed: update that one cell and the course's averages. */
  applyEnrollment(enrollment: EnrollmentDto): void {
    if (!enrollment.cohortIds.includes(this.cohortId)) return;
    const board = this.dashboard.value;
    if (!board) return;
    const member = board.members.find((candidate) => candidate.userId === enrollment.userId);
    if (!member || !board.courses.some((course) => course.courseId === enrollment.courseId)) {
      // Someone or some course we have not loaded yet (added a moment ago).
      this.#reloadSoon();
      return;
    }
    this.dashboard.update((current) => withProgress(current, enrollment));
  }

  updateDetails(changes: z.input<typeof cohortUpdateInput>): Promise<CohortDto> {
    return this.#run('details', async () => this.#setCohort(await api.updateCohort(this.cohortId, changes)));
  }

  setCourses(courses: z.input<typeof cohortCoursesInput>['courses']): Promise<CohortDto> {
    return this.#run('courses', async () => {
      const cohort = this.#setCohort(await api.setCohortCourses(this.cohortId, { courses }));
      void this.dashboard.load();
      return cohort;
    });
  }

  addMembers(userIds: string[]) {
    return this.#run('members', async () => {
      const result = await api.addCohortMembers(this.cohortId, userIds);
      this.#setCohort(result.cohort);
      await Promise.all([this.members.load(), this.dashboard.load()]);
      return result;
    });
  }

  removeMember(userId: string) {
    return this.#run(`member:${userId}`, async () => {
      const result = await api.removeCohortMembers(this.cohortId, [userId]);
      this.#setCohort(result.cohort);
      await Promise.all([this.members.load(), this.dashboard.load()]);
      return result;
    });
  }

  dispose(): void {
    clearTimeout(this.#reloadTimer);
  }

  #reloadSoon(): void {
    clearTimeout(this.#reloadTimer);
    this.#reloadTimer = setTimeout(() => {
      void this.dashboard.load();
      void this.members.load();
    }, 300);
  }

  #setCohort(cohort: CohortDto): CohortDto {
    this.detail.update((detail) => ({ ...detail, ...cohort }));
    return cohort;
  }

  async #run<T>(key: string, action: () => Promise<T>): Promise<T> {
    this.busy[key] = true;
    try {
      return await action();
    } finally {
      delete this.busy[key];
    }
  }
}

/**
 * The dashboard with one member's progress in one course replaced, and that course's figures
 * recomputed the way the server computes them: the mean over members with an active enrollment.
 */
export function withProgress(board: Dashboard, enrollment: EnrollmentDto): Dashboard {
  const members = board.members.map((member) => {
    if (member.userId !== enrollment.userId) return member;
    return {
      ...member,
      progress: {
        ...member.progress,
        [enrollment.courseId]: {
          enrollmentId: enrollment.id,
          progress: enrollment.progress,
          status: enrollment.status,
          currentLessonId: enrollment.currentLessonId,
          completedAt: enrollment.completedAt,
        },
      },
    };
  });
  const active = members.map((member) => member.progress[enrollment.courseId]).filter((cell) => cell && cell.status === 'active');
  const courses = board.courses.map((course) =>
    course.courseId !== enrollment.courseId
      ? course
      : {
          ...course,
          enrolled: active.length,
          completed: active.filter((cell) => cell!.completedAt !== null).length,
          averageProgress: active.length ? Math.round((active.reduce((sum, cell) => sum + cell!.progress, 0) / active.length) * 100) / 100 : 0,
        },
  );
  return { ...board, members, courses };
}
