import { z } from 'zod';
import { courseSchema, lessonSchema, outlineItemSchema, quizAuthoringSchema } from '../courses/dto.ts';

/** A learner's enrollment with its progress: what every progress view shows and every event carries. */
export const enrollmentSchema = z
  .object({
    id: z.uuid(),
    userId: z.uuid(),
    userName: z.string(),
    userEmail: z.string(),
    courseId: z.uuid(),
    courseTitle: z.string(),
    source: z.enum(['self', 'staff', 'cohort', 'onboarding', 'assignment']),
    status: z.enum(['active', 'removed']),
    /** 0–100, two decimals. */
    progress: z.number(),
    currentLessonId: z.uuid().nullable(),
    completedAt: z.string().nullable(),
    /** Start of the current cycle after a recertification (null in the first cycle): earlier work is history. */
    cycleStartedAt: z.string().nullable(),
    enrolledAt: z.string(),
    updatedAt: z.string(),
    completedLessonIds: z.array(z.uuid()),
    passedQuizIds: z.array(z.uuid()),
    /** Cohorts in which this learner takes this course: their dashboards hear about it. */
    cohortIds: z.array(z.uuid()),
  })
  .meta({ id: 'Enrollment' });
export type EnrollmentDto = z.infer<typeof enrollmentSchema>;

export const idParam = z.object({ id: z.uuid() });

// Learner views.
export const myEnrollmentsSchema = z
  .object({ items: z.array(z.object({ enrollment: enrollmentSchema, course: courseSchema })) })
  .meta({ id: 'MyEnrollments' });
export type MyEnrollmentsDto = z.infer<typeof myEnrollmentsSchema>;

const learnItemSchema = z.intersection(outlineItemSchema, z.object({ done: z.boolean() }));
export const learnCourseSchema = z
  .object({
    course: courseSchema,
    chapters: z.array(z.object({ id: z.uuid(), title: z.string(), position: z.number().int(), items: z.array(learnItemSchema) })),
    enrollment: enrollmentSchema,
    /** Where "Continue" leads: the last lesson opened, else the first lesson not done, else the first. */
    resumeLessonId: z.uuid().nullable(),
  })
  .meta({ id: 'LearnCourse' });
export type LearnCourseDto = z.infer<typeof learnCourseSchema>;

const itemRefSchema = z.object({ id: z.uuid(), kind: z.enum(['lesson', 'quiz']) }).nullable();
export const learnLessonSchema = z
  .object({ lesson: lessonSchema, previous: itemRefSchema, next: itemRefSchema, done: z.boolean() })
  .meta({ id: 'LearnLesson' });
export type LearnLessonDto = z.infer<typeof learnLessonSchema>;

// Quizzes as learners see them: never a correct answer or an explanation before submitting.
export const learnerQuizSchema = quizAuthoringSchema
  .omit({ questions: true })
  .extend({
    questions: z.array(
      quizAuthoringSchema.shape.questions.element.omit({ explanation: true, options: true }).extend({
        options: z.array(z.object({ id: z.uuid(), label: z.string() })),
      }),
    ),
  })
  .meta({ id: 'LearnerQuiz' });

export const submissionSummarySchema = z
  .object({
    id: z.uuid(),
    quizId: z.uuid(),
    attempt: z.number().int(),
    startedAt: z.string(),
    deadlineAt: z.string().nullable(),
    submittedAt: z.string().nullable(),
    score: z.number().int().nullable(),
    maxScore: z.number().int().nullable(),
    percentage: z.number().nullable(),
    passed: z.boolean().nullable(),
    timeTakenSeconds: z.number().int().nullable(),
    /** `learner`: submitted; `timeout`: closed by the server when time ran out (scored 0). */
    closedBy: z.enum(['learner', 'timeout']).nullable(),
  })
  .meta({ id: 'QuizSubmission' });
export type SubmissionSummaryDto = z.infer<typeof submissionSummarySchema>;

export const learnQuizSchema = z
  .object({
    quiz: learnerQuizSchema,
    attemptsUsed: z.number().int(),
    /** Null: unlimited. */
    attemptsLeft: z.number().int().nullable(),
    best: submissionSummarySchema.nullable(),
    openAttempt: z.object({ submissionId: z.uuid(), deadlineAt: z.string().nullable() }).nullable(),
    /** Closed attempts, first to last. */
    history: z.array(submissionSummarySchema),
  })
  .meta({ id: 'LearnQuiz' });
export type LearnQuizDto = z.infer<typeof learnQuizSchema>;

export const startedAttemptSchema = z
  .object({ submissionId: z.uuid(), attempt: z.number().int(), startedAt: z.string(), deadlineAt: z.string().nullable(), quiz: learnerQuizSchema })
  .meta({ id: 'StartedAttempt' });
export type StartedAttemptDto = z.infer<typeof startedAttemptSchema>;

export const submitInput = z
  .object({
    answers: z.array(z.object({ questionId: z.uuid(), optionIds: z.array(z.uuid()).max(50) })).max(500),
  })
  .meta({ id: 'SubmitAnswers' });
export type SubmitInput = z.infer<typeof submitInput>;

export const questionResultSchema = z.object({
  questionId: z.uuid(),
  chosenOptionIds: z.array(z.uuid()),
  correctOptionIds: z.array(z.uuid()),
  explanation: z.string(),
  points: z.number().int(),
  earnedPoints: z.number().int(),
  correct: z.boolean(),
});
export type QuestionResultDto = z.infer<typeof questionResultSchema>;

export const submitResultSchema = z
  .object({ submission: submissionSummarySchema, results: z.array(questionResultSchema), enrollment: enrollmentSchema })
  .meta({ id: 'SubmitResult' });
export type SubmitResultDto = z.infer<typeof submitResultSchema>;

// Staff.
export const enrollmentListQuery = z.object({
  status: z.enum(['active', 'removed']).optional(),
  search: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export const enrollmentListSchema = z.object({ enrollments: z.array(enrollmentSchema), total: z.number().int() }).meta({ id: 'EnrollmentList' });
export type EnrollmentListDto = z.infer<typeof enrollmentListSchema>;

export const enrolOutcomeSchema = z.enum(['enrolled', 'already_enrolled', 'reactivated', 'unknown_user']);
export type EnrolOutcome = z.infer<typeof enrolOutcomeSchema>;

export const staffEnrolInput = z.object({ userIds: z.array(z.uuid()).min(1).max(1000) }).meta({ id: 'StaffEnrolInput' });
export const staffEnrolResultSchema = z
  .object({ results: z.array(z.object({ userId: z.uuid(), outcome: enrolOutcomeSchema, enrollment: enrollmentSchema.optional() })) })
  .meta({ id: 'StaffEnrolResult' });
export type StaffEnrolResultDto = z.infer<typeof staffEnrolResultSchema>;

export const importOutcomeSchema = z.enum(['enrolled', 'already_enrolled', 'reactivated', 'unknown_user', 'invalid_email', 'duplicate']);
export type ImportOutcome = z.infer<typeof importOutcomeSchema>;
export const importInput = z.object({ csv: z.string().min(1).max(2_000_000) }).meta({ id: 'EnrollmentImportInput' });
export const importResultSchema = z
  .object({
    /** One per data row; `row` is the spreadsheet row number (the header is row 1). */
    results: z.array(z.object({ row: z.number().int(), email: z.string(), outcome: importOutcomeSchema, message: z.string().optional() })),
    counts: z.record(importOutcomeSchema, z.number().int()),
  })
  .meta({ id: 'EnrollmentImportResult' });
export type ImportResultDto = z.infer<typeof importResultSchema>;
