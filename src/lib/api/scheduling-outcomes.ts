// Evaluation outcomes and rubrics, the waitlist, and moderators' boards of every evaluator.
// Re-exported by `$lib/api/client`, so pages import these like every other API function.
import type { z } from 'zod';
import { request } from '$lib/api/client';
import type {
  CertificateRequestDto,
  EvaluationDetailDto,
  EvaluatorBoardsDto,
  MyWaitlistDto,
  RubricDto,
  WaitlistDto,
  WaitlistEntryDto,
  completeInput,
  rubricInput,
} from '$server/modules/scheduling/dto.ts';

export type {
  BoardCountsDto,
  EvaluationDetailDto,
  EvaluatorBoardsDto,
  MyWaitlistDto,
  QuizResultDto,
  RubricCriterionDto,
  RubricDto,
  WaitlistDto,
  WaitlistEntryDto,
} from '$server/modules/scheduling/dto.ts';

const requestUrl = (id: string) => `/certificate-requests/${encodeURIComponent(id)}`;
const courseUrl = (id: string) => `/courses/${encodeURIComponent(id)}`;

/** A request as its evaluator opens it: the learner, their quiz results, the rubric. */
export const getEvaluationDetail = (requestId: string, signal?: AbortSignal) => request<EvaluationDetailDto>(`${requestUrl(requestId)}/evaluation`, { signal });

export const completeEvaluation = (requestId: string, body: z.input<typeof completeInput>) =>
  request<CertificateRequestDto>(`${requestUrl(requestId)}/complete`, { method: 'POST', body });

export const getEvaluationRubric = (courseId: string, signal?: AbortSignal) => request<RubricDto>(`${courseUrl(courseId)}/evaluation-rubric`, { signal });

export const saveEvaluationRubric = (courseId: string, body: z.input<typeof rubricInput>) =>
  request<RubricDto>(`${courseUrl(courseId)}/evaluation-rubric`, { method: 'PUT', body });

export const getMyWaitlistEntry = (courseId: string, signal?: AbortSignal) => request<MyWaitlistDto>(`${courseUrl(courseId)}/waitlist/me`, { signal });

export const joinWaitlist = (courseId: string) => request<WaitlistEntryDto>(`${courseUrl(courseId)}/waitlist`, { method: 'POST' });

export const leaveWaitlist = (courseId: string) => request<void>(`${courseUrl(courseId)}/waitlist/me`, { method: 'DELETE' });

export const listWaitlist = (courseId: string, signal?: AbortSignal) => request<WaitlistDto>(`${courseUrl(courseId)}/waitlist`, { signal });

/** Every evaluator of a course or a cohort, with booked, free and completed counts. */
export const getEvaluatorBoards = (scope: { courseId: string } | { cohortId: string }, signal?: AbortSignal) =>
  request<EvaluatorBoardsDto>('/scheduling/boards', { query: { ...scope }, signal });
