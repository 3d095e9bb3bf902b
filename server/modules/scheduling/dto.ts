import { z } from 'zod';
import { timezoneSchema } from '../users/dto.ts';

const isoDate = z.iso.date();
const instant = z.iso.datetime({ offset: true });
/** Wall-clock time of day, "HH:MM"; "24:00" only as the end of a range (until midnight). */
const wallTime = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'A time as HH:MM (24:00 for midnight at the end of a day)');
const slotMinutes = z.number().int().min(5).max(480);
const httpsUrl = z.string().trim().max(500).pipe(z.url({ protocol: /^https$/, error: 'An https:// URL' }));

export const idParam = z.object({ id: z.uuid() });
export const unavailabilityParams = z.object({ id: z.uuid(), rangeId: z.uuid() });

// Evaluators of a course.
export const courseEvaluatorsInput = z.object({ userIds: z.array(z.uuid()).max(50) }).meta({ id: 'CourseEvaluatorsInput' });
export const evaluatorSummarySchema = z.object({ id: z.uuid(), name: z.string(), email: z.string(), timezone: z.string() });
export const courseEvaluatorsSchema = z.object({ courseId: z.uuid(), evaluators: z.array(evaluatorSummarySchema) }).meta({ id: 'CourseEvaluators' });
export type CourseEvaluatorsDto = z.infer<typeof courseEvaluatorsSchema>;

// Availability.
export const weeklyRangeSchema = z
  .object({ weekday: z.number().int().min(1).max(7).describe('ISO weekday: 1 = Monday … 7 = Sunday'), start: wallTime, end: wallTime })
  .refine((range) => range.start !== '24:00' && range.end > range.start, { message: 'A range ends after it starts', path: ['end'] });
export type WeeklyRangeDto = z.infer<typeof weeklyRangeSchema>;

export const availabilityInput = z
  .object({
    timezone: timezoneSchema,
    bufferMinutes: z.number().int().min(0).max(240).default(0),
    meetingLink: httpsUrl.nullable().default(null),
    weekly: z.array(weeklyRangeSchema).max(100),
    /** Slot length per course id where it differs from the course's default. */
    slotMinutesByCourse: z.record(z.uuid(), slotMinutes).default({}),
  })
  .meta({ id: 'AvailabilityInput' });
export type AvailabilityInput = z.infer<typeof availabilityInput>;

export const availabilitySchema = z
  .object({
    evaluatorId: z.uuid(),
    /** False until the evaluator saves their availability once; the values shown are then defaults. */
    configured: z.boolean(),
    timezone: z.string(),
    bufferMinutes: z.number().int(),
    meetingLink: z.string().nullable(),
    weekly: z.array(z.object({ weekday: z.number().int(), start: z.string(), end: z.string() })),
    slotMinutesByCourse: z.record(z.string(), z.number().int()),
    /** Courses the evaluator serves (directly or through a cohort), with the slot length in effect. */
    courses: z.array(z.object({ courseId: z.uuid(), title: z.string(), slotMinutes: z.number().int(), defaultSlotMinutes: z.number().int() })),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'Availability' });
export type AvailabilityDto = z.infer<typeof availabilitySchema>;

export const unavailabilityInput = z
  .object({ startsOn: isoDate, endsOn: isoDate, reason: z.string().trim().max(500).default('') })
  .refine((range) => range.endsOn >= range.startsOn, { message: 'The last day is before the first', path: ['endsOn'] })
  .meta({ id: 'UnavailabilityInput' });
export const unavailabilitySchema = z
  .object({ id: z.uuid(), evaluatorId: z.uuid(), startsOn: z.string(), endsOn: z.string(), reason: z.string(), createdAt: z.string() })
  .meta({ id: 'Unavailability' });
export type UnavailabilityDto = z.infer<typeof unavailabilitySchema>;
export const unavailabilityListSchema = z.object({ unavailability: z.array(unavailabilitySchema) }).meta({ id: 'UnavailabilityList' });

// Slots.
export const slotsQuery = z.object({ from: instant.optional(), to: instant.optional() });
export const slotSchema = z.object({ startsAt: z.string(), endsAt: z.string(), evaluatorTimezone: z.string() }).meta({ id: 'Slot' });
export type SlotDto = z.infer<typeof slotSchema>;
export const slotsSchema = z
  .object({
    slots: z.array(slotSchema),
    learnerTimezone: z.string(),
    /** Nothing can be booked to end after this: the booking horizon or the cohort's evaluation end date. */
    cutoff: z.string(),
    /** The minimum notice: nothing can be booked to start before this. */
    noticeUntil: z.string(),
    evaluationEndsOn: z.string().nullable(),
  })
  .meta({ id: 'Slots' });
export type SlotsDto = z.infer<typeof slotsSchema>;

// Certificate requests.
export const bookingInput = z.object({ startsAt: instant, timezone: timezoneSchema.optional() }).meta({ id: 'BookingInput' });
export const rescheduleInput = z.object({ startsAt: instant }).meta({ id: 'RescheduleInput' });
export const cancelInput = z.object({ reason: z.string().trim().max(500).optional() }).meta({ id: 'CancelInput' });

export const certificateRequestSchema = z
  .object({
    id: z.uuid(),
    courseId: z.uuid(),
    courseTitle: z.string(),
    cohortId: z.uuid().nullable(),
    memberId: z.uuid(),
    memberName: z.string(),
    /** Assigned by the server; read-only for the learner. */
    evaluatorId: z.uuid(),
    evaluatorName: z.string(),
    evaluatorTimezone: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    status: z.enum(['pending', 'completed', 'cancelled']),
    learnerTimezone: z.string(),
    meetingLink: z.string().nullable(),
    outcome: z.enum(['pass', 'fail']).nullable(),
    /** Raised by every reschedule and the cancellation (the .ics SEQUENCE). */
    sequence: z.number().int(),
    cancelledAt: z.string().nullable(),
    cancelledBy: z.uuid().nullable(),
    cancelReason: z.string().nullable(),
    /** Scores per rubric criterion key, once completed. */
    rubricScores: z.record(z.string(), z.number().int()).nullable(),
    notes: z.string().nullable(),
    completedAt: z.string().nullable(),
    completedBy: z.uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'CertificateRequest' });
export type CertificateRequestDto = z.infer<typeof certificateRequestSchema>;
export const certificateRequestListSchema = z.object({ requests: z.array(certificateRequestSchema) }).meta({ id: 'CertificateRequestList' });
export type CertificateRequestListDto = z.infer<typeof certificateRequestListSchema>;
export const evaluatorRequestsQuery = z.object({ range: z.enum(['today', 'upcoming', 'past']).default('upcoming') });

// Live board payloads (typed in realtime/events.ts).
export interface BoardChangeDto {
  /** The course of the request that changed. */
  courseId: string;
  /** Every course whose board shows this evaluator's time (the request's course first). */
  courseIds: string[];
  evaluatorId: string;
  startsAt: string;
  endsAt: string;
  state: 'booked' | 'free';
  requestId?: string;
}

/** An evaluator's hours, unavailability or a course's evaluators changed: boards of these courses fetch their slots again. */
export interface BoardRefreshDto {
  courseIds: string[];
  evaluatorId: string | null;
  changedAt: string;
}

// Outcomes: the rubric and completing an evaluation.
export const rubricCriterionSchema = z.object({ key: z.string(), name: z.string(), maxScore: z.number().int() }).meta({ id: 'RubricCriterion' });
export type RubricCriterionDto = z.infer<typeof rubricCriterionSchema>;
export const rubricSchema = z
  .object({ courseId: z.uuid(), criteria: z.array(rubricCriterionSchema), updatedAt: z.string().nullable() })
  .meta({ id: 'EvaluationRubric' });
export type RubricDto = z.infer<typeof rubricSchema>;
export const rubricInput = z
  .object({ criteria: z.array(z.object({ name: z.string().trim().min(1).max(120), maxScore: z.number().int().min(1).max(100) })).max(20) })
  .refine((rubric) => new Set(rubric.criteria.map((c) => c.name.toLowerCase())).size === rubric.criteria.length, { message: 'Two criteria have the same name', path: ['criteria'] })
  .meta({ id: 'EvaluationRubricInput' });
export type RubricInput = z.infer<typeof rubricInput>;

export const completeInput = z
  .object({
    outcome: z.enum(['pass', 'fail']),
    /** A score for every criterion of the course's rubric, by its key. */
    rubricScores: z.record(z.string(), z.number().int().min(0)).default({}),
    notes: z.string().trim().max(5000).default(''),
  })
  .meta({ id: 'CompleteEvaluationInput' });
export type CompleteInput = z.infer<typeof completeInput>;

export const quizResultSchema = z.object({
  quizId: z.uuid(),
  title: z.string(),
  isRequired: z.boolean(),
  passPercentage: z.number(),
  attempts: z.number().int(),
  bestPercentage: z.number().nullable(),
  passed: z.boolean(),
  lastSubmittedAt: z.string().nullable(),
  /** The submitted attempt with the best score (the latest of equal ones): its report PDF. */
  bestSubmissionId: z.uuid().nullable(),
});
export type QuizResultDto = z.infer<typeof quizResultSchema>;

export const evaluationDetailSchema = z
  .object({
    request: certificateRequestSchema,
    learner: z.object({ id: z.uuid(), name: z.string(), email: z.string(), timezone: z.string() }),
    progress: z.number().nullable(),
    quizResults: z.array(quizResultSchema),
    /** Required quizzes the learner has not passed: a pass is refused while this is not empty. */
    missingQuizIds: z.array(z.uuid()),
    rubric: z.array(rubricCriterionSchema),
    /** May the viewer mark it Completed (the assigned evaluator or a moderator)? */
    canComplete: z.boolean(),
    /** The earliest instant it may be marked Completed: its start minus a small margin. */
    completableFrom: z.string(),
  })
  .meta({ id: 'EvaluationDetail' });
export type EvaluationDetailDto = z.infer<typeof evaluationDetailSchema>;

// Waitlist.
export const waitlistEntrySchema = z
  .object({
    id: z.uuid(),
    courseId: z.uuid(),
    courseTitle: z.string(),
    memberId: z.uuid(),
    memberName: z.string(),
    /** 1 = first in line (order of joining). */
    position: z.number().int(),
    joinedAt: z.string(),
    notifiedAt: z.string().nullable(),
  })
  .meta({ id: 'WaitlistEntry' });
export type WaitlistEntryDto = z.infer<typeof waitlistEntrySchema>;
export const myWaitlistSchema = z.object({ entry: waitlistEntrySchema.nullable() }).meta({ id: 'MyWaitlistEntry' });
export type MyWaitlistDto = z.infer<typeof myWaitlistSchema>;
export const waitlistSchema = z.object({ courseId: z.uuid(), entries: z.array(waitlistEntrySchema) }).meta({ id: 'Waitlist' });
export type WaitlistDto = z.infer<typeof waitlistSchema>;

// Moderator boards: every evaluator of a course or cohort, with counts.
export const boardsQuery = z
  .object({ courseId: z.uuid().optional(), cohortId: z.uuid().optional() })
  .refine((q) => Boolean(q.courseId) !== Boolean(q.cohortId), { message: 'Give a courseId or a cohortId', path: ['courseId'] });
export const boardCountsSchema = z.object({
  /** Pending requests. */
  booked: z.number().int(),
  /** Free slots from now (after the minimum notice) to the horizon or the cohort's evaluation end. */
  free: z.number().int(),
  completed: z.number().int(),
  passed: z.number().int(),
  failed: z.number().int(),
});
export type BoardCountsDto = z.infer<typeof boardCountsSchema>;
export const evaluatorBoardsSchema = z
  .object({
    scope: z.object({ kind: z.enum(['course', 'cohort']), id: z.uuid(), title: z.string() }),
    /** The courses whose board rooms carry this view's changes. */
    courseIds: z.array(z.uuid()),
    evaluators: z.array(
      z.object({ evaluatorId: z.uuid(), name: z.string(), timezone: z.string(), configured: z.boolean(), courseIds: z.array(z.uuid()), counts: boardCountsSchema }),
    ),
    totals: boardCountsSchema,
    countedAt: z.string(),
  })
  .meta({ id: 'EvaluatorBoards' });
export type EvaluatorBoardsDto = z.infer<typeof evaluatorBoardsSchema>;
