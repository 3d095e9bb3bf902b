// The one typed client for the platform's HTTP API. Every request the browser makes goes
// through `request()`; pages call the named functions below and never build URLs themselves.
import type { z } from 'zod';
import type { MailboxDto, MailMessageDto } from '$server/mail/dto.ts';
import type { Health as HealthDto } from '$server/modules/system/health.ts';
import type { Settings as SettingsDto } from '$server/modules/system/settings.ts';
import type {
  ApiKeyDto,
  AuthConfigDto,
  CreatedApiKeyDto,
  CreatedInviteDto,
  InviteDto,
  PasswordChangedDto,
  SessionDto,
  UserDto,
  UserListDto,
  apiKeyInput,
  changePasswordInput,
  inviteInput,
  loginInput,
  profileInput,
  signupInput,
  userUpdateInput,
} from '$server/modules/users/dto.ts';
import type { Role } from '$server/auth/roles.ts';
import type {
  CourseDto,
  CourseListDto,
  CourseOutlineDto,
  LessonDto,
  QuizAuthoringDto,
  courseDetailSchema,
  courseSettingsInput,
  courseUpdateInput,
  lessonInput,
  lessonUpdateInput,
  outlineOrderInput,
  quizInput,
} from '$server/modules/courses/dto.ts';
import type {
  EnrollmentDto,
  EnrollmentListDto,
  ImportResultDto,
  LearnCourseDto,
  LearnLessonDto,
  LearnQuizDto,
  MyEnrollmentsDto,
  StaffEnrolResultDto,
  StartedAttemptDto,
  SubmitInput,
  SubmitResultDto,
} from '$server/modules/enrollment/dto.ts';
import type {
  CohortDashboardDto,
  CohortDetailDto,
  CohortDto,
  CohortListDto,
  MemberListDto,
  MembersAddedDto,
  MembersRemovedDto,
  MyCohortsDto,
  cohortCoursesInput,
  cohortInput,
  cohortUpdateInput,
} from '$server/modules/cohorts/dto.ts';
import type {
  AvailabilityDto,
  CertificateRequestDto,
  CertificateRequestListDto,
  CourseEvaluatorsDto,
  SlotsDto,
  UnavailabilityDto,
  availabilityInput,
  unavailabilityInput,
  unavailabilityListSchema,
} from '$server/modules/scheduling/dto.ts';
import type {
  BulkAssignResultDto,
  ComplianceDto,
  EmployeeImportResultDto,
  TrainingAssignmentDto,
  assignmentListQuery,
  bulkAssignInput,
} from '$server/modules/training/dto.ts';

/**
 * A non-2xx answer, carrying the server's `{ error: { code, message, details? } }`.
 * Network failures become `code: 'network_error'` with `status: 0`.
 *
 * @example
 * try { await login(form) } catch (e) { if (e instanceof ApiError && e.code === 'invalid_credentials') … }
 */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;

  constructor(init: { code: string; message: string; status: number; details?: unknown }) {
    super(init.message);
    this.name = 'ApiError';
    this.code = init.code;
    this.status = init.status;
    this.details = init.details;
  }
}

/** Dispatched on `window` whenever the API answers 401 `unauthenticated`. */
export const UNAUTHENTICATED_EVENT = 'api:unauthenticated';

type Query = Record<string, string | number | boolean | undefined | null>;

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
  /** Statuses besides 2xx whose JSON body is a normal answer (health answers 503 when degraded). */
  acceptStatuses?: number[];
}

/** Builds `/api/…?a=b`, leaving out empty query values so `?search=` is never sent. */
export function apiUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const search = params.toString();
  return `/api${path}${search ? `?${search}` : ''}`;
}

export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy error page, say): fall through to a generic message.
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (error && typeof error.code === 'string') {
    return new ApiError({
      code: error.code,
      message: typeof error.message === 'string' ? error.message : response.statusText,
      status: response.status,
      details: error.details,
    });
  }
  return new ApiError({
    code: response.status >= 500 ? 'internal' : 'http_error',
    message: `The server answered ${response.status} ${response.statusText}`.trim(),
    status: response.status,
  });
}

/**
 * Calls the API on the same origin with the session cookie and returns the parsed JSON body
 * (or `undefined` for 204). Throws `ApiError` for any failure.
 *
 * @example const users = await request<UserListDto>('/users', { query: { role: 'student' } });
 */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method: options.method ?? 'GET',
      credentials: 'same-origin',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({ code: 'network_error', message: 'Could not reach the server. Check your connection.', status: 0 });
  }
  if (!response.ok && !options.acceptStatuses?.includes(response.status)) {
    const error = await errorFromResponse(response);
    // Whoever is showing the signed-in app (the root layout) hears that the session is gone,
    // even when the page handles the error itself (an error state in a list).
    if (error.code === 'unauthenticated') window.dispatchEvent(new CustomEvent(UNAUTHENTICATED_EVENT));
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

// ---------- Query shapes (the server parses these from the URL) ----------

export type { AuthConfigDto, CreatedApiKeyDto, CreatedInviteDto, PasswordChangedDto } from '$server/modules/users/dto.ts';
export type { Health as HealthDto } from '$server/modules/system/health.ts';
export type { Settings as SettingsDto } from '$server/modules/system/settings.ts';
export type SignupMode = SettingsDto['signupMode'];

export interface UserListQuery {
  search?: string;
  role?: Role;
  limit?: number;
  offset?: number;
}
export interface CourseListQuery {
  search?: string;
  status?: CourseDto['status'];
  mandatory?: boolean;
  limit?: number;
  offset?: number;
}
export interface CourseEnrollmentQuery {
  status?: EnrollmentDto['status'];
  search?: string;
  limit?: number;
  offset?: number;
}
export interface CohortListQuery {
  search?: string;
  limit?: number;
  offset?: number;
}
export type CourseDetailDto = z.infer<typeof courseDetailSchema>;
export type SubmittedAnswer = SubmitInput['answers'][number];
/** A quiz as a learner sees it before submitting: no correct answers, no explanations. */
export type LearnerQuizDto = LearnQuizDto['quiz'];
export type LearnOutlineItemDto = LearnCourseDto['chapters'][number]['items'][number];
export interface MailboxQuery {
  to?: string;
  limit?: number;
  offset?: number;
}

// ---------- Auth ----------

export const getAuthConfig = () => request<AuthConfigDto>('/auth/config');

export const signup = (body: z.input<typeof signupInput>) =>
  request<SessionDto>('/auth/signup', { method: 'POST', body });

export const login = (body: z.input<typeof loginInput>) => request<SessionDto>('/auth/login', { method: 'POST', body });

export const logout = () => request<void>('/auth/logout', { method: 'POST' });

export const getSession = () => request<SessionDto>('/auth/session');

export const changePassword = (body: z.input<typeof changePasswordInput>) =>
  request<PasswordChangedDto>('/auth/password', { method: 'POST', body });

export const updateProfile = (body: z.input<typeof profileInput>) => request<UserDto>('/me', { method: 'PATCH', body });

// ---------- Users and invites ----------

export const listUsers = (query: UserListQuery = {}, signal?: AbortSignal) =>
  request<UserListDto>('/users', { query: { ...query }, signal });

export const getUser = (id: string, signal?: AbortSignal) => request<UserDto>(`/users/${encodeURIComponent(id)}`, { signal });

export const updateUser = (id: string, body: z.input<typeof userUpdateInput>) =>
  request<UserDto>(`/users/${encodeURIComponent(id)}`, { method: 'PATCH', body });

export const listInvites = () => request<{ invites: InviteDto[] }>('/invites');

export const createInvite = (body: z.input<typeof inviteInput>) =>
  request<CreatedInviteDto>('/invites', { method: 'POST', body });

export const revokeInvite = (id: string) => request<void>(`/invites/${encodeURIComponent(id)}`, { method: 'DELETE' });

// ---------- API keys ----------

export const listApiKeys = () => request<{ apiKeys: ApiKeyDto[] }>('/api-keys');

export const createApiKey = (body: z.input<typeof apiKeyInput>) =>
  request<CreatedApiKeyDto>('/api-keys', { method: 'POST', body });

export const revokeApiKey = (id: string) => request<ApiKeyDto>(`/api-keys/${encodeURIComponent(id)}`, { method: 'DELETE' });

// ---------- Settings and health ----------

export const getSettings = () => request<SettingsDto>('/settings');

export const updateSettings = (body: Partial<SettingsDto>) => request<SettingsDto>('/settings', { method: 'PATCH', body });

export const getHealth = () => request<HealthDto>('/health', { acceptStatuses: [503] });

// ---------- Mailbox ----------

export const listMail = (query: MailboxQuery = {}, signal?: AbortSignal) =>
  request<MailboxDto>('/mailbox', { query: { ...query }, signal });

export const getMail = (id: string) => request<MailMessageDto>(`/mailbox/${encodeURIComponent(id)}`);

// ---------- Courses: catalogue and authoring ----------

const courseUrl = (id: string) => `/courses/${encodeURIComponent(id)}`;

export const listCatalogue = (query: CourseListQuery = {}, signal?: AbortSignal) =>
  request<CourseListDto>('/catalogue', { query: { ...query }, signal });

export const listAuthoredCourses = (query: CourseListQuery = {}, signal?: AbortSignal) =>
  request<CourseListDto>('/courses', { query: { ...query }, signal });

export const createCourse = (body: z.input<typeof courseSettingsInput>) => request<CourseDto>('/courses', { method: 'POST', body });

export const getCourse = (id: string, signal?: AbortSignal) => request<CourseDetailDto>(courseUrl(id), { signal });

export const updateCourse = (id: string, body: z.input<typeof courseUpdateInput>) =>
  request<CourseDto>(courseUrl(id), { method: 'PATCH', body });

export const deleteCourse = (id: string) => request<void>(courseUrl(id), { method: 'DELETE' });

export const publishCourse = (id: string) => request<CourseDto>(`${courseUrl(id)}/publish`, { method: 'POST' });

export const unpublishCourse = (id: string) => request<CourseDto>(`${courseUrl(id)}/unpublish`, { method: 'POST' });

export const setCourseInstructors = (id: string, userIds: string[]) =>
  request<CourseDto>(`${courseUrl(id)}/instructors`, { method: 'PUT', body: { userIds } });

export const reorderOutline = (id: string, body: z.input<typeof outlineOrderInput>) =>
  request<CourseOutlineDto>(`${courseUrl(id)}/outline`, { method: 'PUT', body });

export const addChapter = (courseId: string, title: string) =>
  request<CourseOutlineDto>(`${courseUrl(courseId)}/chapters`, { method: 'POST', body: { title } });

export const renameChapter = (id: string, title: string) =>
  request<CourseOutlineDto>(`/chapters/${encodeURIComponent(id)}`, { method: 'PATCH', body: { title } });

export const deleteChapter = (id: string) => request<CourseOutlineDto>(`/chapters/${encodeURIComponent(id)}`, { method: 'DELETE' });

export const addLesson = (chapterId: string, body: z.input<typeof lessonInput>) =>
  request<LessonDto>(`/chapters/${encodeURIComponent(chapterId)}/lessons`, { method: 'POST', body });

export const getLesson = (id: string, signal?: AbortSignal) => request<LessonDto>(`/lessons/${encodeURIComponent(id)}`, { signal });

export const updateLesson = (id: string, body: z.input<typeof lessonUpdateInput>) =>
  request<LessonDto>(`/lessons/${encodeURIComponent(id)}`, { method: 'PATCH', body });

export const deleteLesson = (id: string) => request<CourseOutlineDto>(`/lessons/${encodeURIComponent(id)}`, { method: 'DELETE' });

export const addQuiz = (chapterId: string, body: z.input<typeof quizInput>) =>
  request<QuizAuthoringDto>(`/chapters/${encodeURIComponent(chapterId)}/quizzes`, { method: 'POST', body });

export const getQuiz = (id: string, signal?: AbortSignal) => request<QuizAuthoringDto>(`/quizzes/${encodeURIComponent(id)}`, { signal });

export const saveQuiz = (id: string, body: z.input<typeof quizInput>) =>
  request<QuizAuthoringDto>(`/quizzes/${encodeURIComponent(id)}`, { method: 'PUT', body });

export const deleteQuiz = (id: string) => request<void>(`/quizzes/${encodeURIComponent(id)}`, { method: 'DELETE' });

// ---------- Learning ----------

export const enrollInCourse = (courseId: string) => request<EnrollmentDto>(`${courseUrl(courseId)}/enroll`, { method: 'POST' });

export const listMyEnrollments = (signal?: AbortSignal) => request<MyEnrollmentsDto>('/me/enrollments', { signal });

export const getLearnCourse = (courseId: string, signal?: AbortSignal) =>
  request<LearnCourseDto>(`/learn/courses/${encodeURIComponent(courseId)}`, { signal });

export const getLearnLesson = (lessonId: string, signal?: AbortSignal) =>
  request<LearnLessonDto>(`/learn/lessons/${encodeURIComponent(lessonId)}`, { signal });

export const completeLesson = (lessonId: string) =>
  request<EnrollmentDto>(`/learn/lessons/${encodeURIComponent(lessonId)}/complete`, { method: 'POST' });

export const getLearnQuiz = (quizId: string, signal?: AbortSignal) =>
  request<LearnQuizDto>(`/learn/quizzes/${encodeURIComponent(quizId)}`, { signal });

export const startQuizAttempt = (quizId: string) =>
  request<StartedAttemptDto>(`/learn/quizzes/${encodeURIComponent(quizId)}/attempts`, { method: 'POST' });

export const submitQuizAttempt = (submissionId: string, answers: SubmittedAnswer[]) =>
  request<SubmitResultDto>(`/learn/submissions/${encodeURIComponent(submissionId)}/submit`, { method: 'POST', body: { answers } });

// ---------- Enrollments (staff) ----------

export const listCourseEnrollments = (courseId: string, query: CourseEnrollmentQuery = {}, signal?: AbortSignal) =>
  request<EnrollmentListDto>(`${courseUrl(courseId)}/enrollments`, { query: { ...query }, signal });

export const enrolUsers = (courseId: string, userIds: string[]) =>
  request<StaffEnrolResultDto>(`${courseUrl(courseId)}/enrollments`, { method: 'POST', body: { userIds } });

export const importEnrollments = (courseId: string, csv: string) =>
  request<ImportResultDto>(`${courseUrl(courseId)}/enrollments/import`, { method: 'POST', body: { csv } });

export const removeEnrollment = (id: string) => request<EnrollmentDto>(`/enrollments/${encodeURIComponent(id)}`, { method: 'DELETE' });

// ---------- Cohorts ----------

const cohortUrl = (id: string) => `/cohorts/${encodeURIComponent(id)}`;

export const listCohorts = (query: CohortListQuery = {}, signal?: AbortSignal) =>
  request<CohortListDto>('/cohorts', { query: { ...query }, signal });

export const listMyCohorts = (signal?: AbortSignal) => request<MyCohortsDto>('/me/cohorts', { signal });

export const createCohort = (body: z.input<typeof cohortInput>) => request<CohortDto>('/cohorts', { method: 'POST', body });

export const getCohort = (id: string, signal?: AbortSignal) => request<CohortDetailDto>(cohortUrl(id), { signal });

export const updateCohort = (id: string, body: z.input<typeof cohortUpdateInput>) =>
  request<CohortDto>(cohortUrl(id), { method: 'PATCH', body });

export const setCohortCourses = (id: string, body: z.input<typeof cohortCoursesInput>) =>
  request<CohortDto>(`${cohortUrl(id)}/courses`, { method: 'PUT', body });

export const addCohortMembers = (id: string, userIds: string[]) =>
  request<MembersAddedDto>(`${cohortUrl(id)}/members`, { method: 'POST', body: { userIds } });

export const removeCohortMembers = (id: string, userIds: string[]) =>
  request<MembersRemovedDto>(`${cohortUrl(id)}/members/remove`, { method: 'POST', body: { userIds } });

export const listCohortMembers = (id: string, query: CohortListQuery = {}, signal?: AbortSignal) =>
  request<MemberListDto>(`${cohortUrl(id)}/members`, { query: { ...query }, signal });

export const getCohortDashboard = (id: string, signal?: AbortSignal) => request<CohortDashboardDto>(`${cohortUrl(id)}/dashboard`, { signal });

// ---------- Scheduling: evaluators, availability, slots, certificate requests ----------

export type { AvailabilityDto, CertificateRequestDto, CourseEvaluatorsDto, SlotDto, SlotsDto, UnavailabilityDto, WeeklyRangeDto } from '$server/modules/scheduling/dto.ts';
export type EvaluatorRequestRange = 'today' | 'upcoming' | 'past';
export type UnavailabilityListDto = z.infer<typeof unavailabilityListSchema>;

const evaluatorUrl = (id: string) => `/evaluators/${encodeURIComponent(id)}`;
const certificateRequestUrl = (id: string) => `/certificate-requests/${encodeURIComponent(id)}`;

export const getCourseEvaluators = (courseId: string, signal?: AbortSignal) =>
  request<CourseEvaluatorsDto>(`${courseUrl(courseId)}/evaluators`, { signal });

export const setCourseEvaluators = (courseId: string, userIds: string[]) =>
  request<CourseEvaluatorsDto>(`${courseUrl(courseId)}/evaluators`, { method: 'PUT', body: { userIds } });

export const getAvailability = (evaluatorId: string, signal?: AbortSignal) => request<AvailabilityDto>(`${evaluatorUrl(evaluatorId)}/availability`, { signal });

export const saveAvailability = (evaluatorId: string, body: z.input<typeof availabilityInput>) =>
  request<AvailabilityDto>(`${evaluatorUrl(evaluatorId)}/availability`, { method: 'PUT', body });

export const listUnavailability = (evaluatorId: string, signal?: AbortSignal) =>
  request<UnavailabilityListDto>(`${evaluatorUrl(evaluatorId)}/unavailability`, { signal });

export const addUnavailability = (evaluatorId: string, body: z.input<typeof unavailabilityInput>) =>
  request<UnavailabilityDto>(`${evaluatorUrl(evaluatorId)}/unavailability`, { method: 'POST', body });

export const removeUnavailability = (evaluatorId: string, rangeId: string) =>
  request<void>(`${evaluatorUrl(evaluatorId)}/unavailability/${encodeURIComponent(rangeId)}`, { method: 'DELETE' });

export const listEvaluatorRequests = (evaluatorId: string, range: EvaluatorRequestRange, signal?: AbortSignal) =>
  request<CertificateRequestListDto>(`${evaluatorUrl(evaluatorId)}/requests`, { query: { range }, signal });

/** Free evaluation slots for the signed-in learner; `from`/`to` are ISO instants (default: now to the cutoff). */
export const listSlots = (courseId: string, query: { from?: string; to?: string } = {}, signal?: AbortSignal) =>
  request<SlotsDto>(`${courseUrl(courseId)}/slots`, { query: { ...query }, signal });

export const bookSlot = (courseId: string, body: { startsAt: string; timezone?: string }) =>
  request<CertificateRequestDto>(`${courseUrl(courseId)}/certificate-requests`, { method: 'POST', body });

export const listMyCertificateRequests = (signal?: AbortSignal) => request<CertificateRequestListDto>('/me/certificate-requests', { signal });

export const getCertificateRequest = (id: string, signal?: AbortSignal) => request<CertificateRequestDto>(certificateRequestUrl(id), { signal });

export const cancelCertificateRequest = (id: string, reason?: string) =>
  request<CertificateRequestDto>(`${certificateRequestUrl(id)}/cancel`, { method: 'POST', body: { reason } });

export const rescheduleCertificateRequest = (id: string, startsAt: string) =>
  request<CertificateRequestDto>(`${certificateRequestUrl(id)}/reschedule`, { method: 'POST', body: { startsAt } });

// Mandatory training.
export type { BulkAssignResultDto, ComplianceDto, EmployeeImportResultDto, TrainingAssignmentDto } from '$server/modules/training/dto.ts';
export type TrainingAssignmentQuery = Partial<z.infer<typeof assignmentListQuery>>;
export type BulkAssignBody = z.input<typeof bulkAssignInput>;

export const listMyTraining = (signal?: AbortSignal) => request<{ assignments: TrainingAssignmentDto[] }>('/me/training', { signal });

export const listTrainingAssignments = (query: TrainingAssignmentQuery = {}, signal?: AbortSignal) =>
  request<{ assignments: TrainingAssignmentDto[]; total: number }>('/training/assignments', { query, signal });

export const bulkAssignTraining = (body: BulkAssignBody) => request<BulkAssignResultDto>('/training/bulk-assign', { method: 'POST', body });

export const updateTrainingDueDate = (id: string, dueOn: string) =>
  request<TrainingAssignmentDto>(`/training/assignments/${encodeURIComponent(id)}`, { method: 'PATCH', body: { dueOn } });

export const getTrainingCompliance = (signal?: AbortSignal) => request<ComplianceDto>('/training/compliance', { signal });

export const importEmployees = (csv: string) => request<EmployeeImportResultDto>('/users/import', { method: 'POST', body: { csv } });

/** Where the browser downloads the assignments CSV (a plain link: the server streams it). */
export const trainingAssignmentsCsvUrl = (query: Omit<TrainingAssignmentQuery, 'limit' | 'offset'> = {}) => apiUrl('/training/assignments.csv', query);

// Certificates live in their own file; re-exported so pages keep one import.
export * from './certificates';

// Evaluation outcomes, the waitlist and moderators' boards, in their own file; re-exported likewise.
export * from './scheduling-outcomes';

// Statistics, the course dashboard, exports and the audit trail, in their own file; re-exported likewise.
export * from './stats';

// HR files (quiz report PDFs, evidence packs): download links, in their own file; re-exported likewise.
export * from './records';
