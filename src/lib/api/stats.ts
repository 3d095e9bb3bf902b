// Statistics, the course dashboard, CSV exports and the audit trail. Re-exported by
// `$lib/api/client`, so pages import these like every other API function.
import { apiUrl, request } from '$lib/api/client';
import type { AuditPageDto, CourseDashboardDto, EnrollmentExportQuery, QuizSubmissionExportQuery, StatsOverviewDto } from '$server/modules/stats/dto.ts';

export type { AuditEventDto, AuditPageDto, CourseDashboardDto, StatsOverviewDto } from '$server/modules/stats/dto.ts';
export type { EnrollmentExportQuery, QuizSubmissionExportQuery };
export type CourseDashboardLearner = CourseDashboardDto['learners'][number];

export interface AuditQuery {
  actorId?: string;
  action?: string;
  subjectType?: string;
  /** ISO instants: from included, to excluded. */
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

export const getStatsOverview = (signal?: AbortSignal) => request<StatsOverviewDto>('/stats/overview', { signal });

export const getCourseDashboard = (courseId: string, query: { stuckDays?: number } = {}, signal?: AbortSignal) =>
  request<CourseDashboardDto>(`/courses/${encodeURIComponent(courseId)}/dashboard`, { query: { ...query }, signal });

export const listAuditEvents = (query: AuditQuery = {}, signal?: AbortSignal) => request<AuditPageDto>('/audit', { query: { ...query }, signal });

/** Download links: the browser streams the file itself, with the session cookie. */
export const enrollmentsCsvUrl = (query: EnrollmentExportQuery = {}) => apiUrl('/stats/exports/enrollments.csv', { ...query });
export const quizSubmissionsCsvUrl = (query: QuizSubmissionExportQuery = {}) => apiUrl('/stats/exports/quiz-submissions.csv', { ...query });
