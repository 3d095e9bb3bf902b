import { z } from 'zod';
import { complianceSchema } from '../training/dto.ts';

const day = z.iso.date();

/** Progress bands of the distribution chart, in order. */
export const progressBands = ['0', '1-25', '26-50', '51-75', '76-99', '100'] as const;

const evaluationFigures = z.object({
  booked: z.number().int(),
  pending: z.number().int(),
  completed: z.number().int(),
  passed: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  passRate: z.number(),
});

/** Counters per week; each series is one more key (`enrollments`, `completions`, and later others). */
export const activitySeries = ['enrollments', 'completions', 'certifications'] as const;
export type ActivitySeries = (typeof activitySeries)[number];

export const statsOverviewSchema = z
  .object({
    generatedAt: z.string(),
    /** The organisation's timezone: weeks start on Monday there. */
    timezone: z.string(),
    totals: z.object({
      activeEnrollments: z.number().int(),
      completions: z.number().int(),
      averageProgress: z.number(),
      /** Certificates held now (valid: not revoked, replaced or expired), and revoked ones, all time. */
      validCertificates: z.number().int(),
      revokedCertificates: z.number().int(),
    }),
    compliance: complianceSchema,
    /** Last 12 months, one entry per week (Monday, organisation timezone), oldest first. */
    activity: z.array(z.object({ weekStart: day, enrollments: z.number().int(), completions: z.number().int(), certifications: z.number().int() })),
    quizScores: z.array(
      z.object({
        courseId: z.uuid(),
        courseTitle: z.string(),
        submissions: z.number().int(),
        averagePercentage: z.number(),
        passRate: z.number(),
      }),
    ),
    evaluations: z.object({
      byCourse: z.array(evaluationFigures.extend({ courseId: z.uuid(), courseTitle: z.string() })),
      byEvaluator: z.array(evaluationFigures.extend({ evaluatorId: z.uuid(), evaluatorName: z.string() })),
    }),
    /** Active enrollments per progress band. */
    progress: z.array(z.object({ band: z.enum(progressBands), learners: z.number().int() })),
  })
  .meta({ id: 'StatsOverview' });
export type StatsOverviewDto = z.infer<typeof statsOverviewSchema>;

export const courseDashboardQuery = z.object({
  /** A learner below 100 % with no activity for this many days is stuck. */
  stuckDays: z.coerce.number().int().min(1).max(365).default(14),
});
export const courseIdParam = z.object({ courseId: z.uuid() });

export const stuckReasonSchema = z.enum(['no_progress', 'due_soon']);

export const courseDashboardSchema = z
  .object({
    course: z.object({ id: z.uuid(), title: z.string() }),
    generatedAt: z.string(),
    stuckDays: z.number().int(),
    quizzes: z.array(z.object({ id: z.uuid(), title: z.string(), passPercentage: z.number() })),
    summary: z.object({ enrolled: z.number().int(), completed: z.number().int(), averageProgress: z.number(), stuck: z.number().int() }),
    learners: z.array(
      z.object({
        enrollmentId: z.uuid(),
        userId: z.uuid(),
        name: z.string(),
        email: z.string(),
        progress: z.number(),
        enrolledAt: z.string(),
        completedAt: z.string().nullable(),
        lastActivityAt: z.string(),
        /** Best submitted percentage per quiz id (absent: never submitted). */
        quizBest: z.record(z.string(), z.number()),
        /** The open training assignment's due date, if any. */
        dueOn: day.nullable(),
        /** Why the learner is stuck; empty when they are not. */
        stuck: z.array(stuckReasonSchema),
      }),
    ),
  })
  .meta({ id: 'CourseDashboard' });
export type CourseDashboardDto = z.infer<typeof courseDashboardSchema>;

const exportBase = {
  courseId: z.uuid().optional(),
  cohortId: z.uuid().optional(),
  /** First and last day (organisation timezone), both included. */
  from: day.optional(),
  to: day.optional(),
};
export const enrollmentExportQuery = z.object({ ...exportBase, status: z.enum(['active', 'removed', 'completed', 'in_progress']).optional() });
export type EnrollmentExportQuery = z.infer<typeof enrollmentExportQuery>;
export const quizSubmissionExportQuery = z.object({ ...exportBase, status: z.enum(['passed', 'failed']).optional() });
export type QuizSubmissionExportQuery = z.infer<typeof quizSubmissionExportQuery>;

export const auditQuery = z.object({
  actorId: z.uuid().optional(),
  action: z.string().trim().min(1).max(100).optional(),
  subjectType: z.string().trim().min(1).max(100).optional(),
  subjectId: z.string().trim().min(1).max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof auditQuery>;

export const auditEventSchema = z.object({
  id: z.uuid(),
  actorId: z.uuid().nullable(),
  actorName: z.string().nullable(),
  actorLabel: z.string(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type AuditEventDto = z.infer<typeof auditEventSchema>;
export const auditPageSchema = z
  .object({ events: z.array(auditEventSchema), nextCursor: z.string().nullable(), actions: z.array(z.string()), subjectTypes: z.array(z.string()) })
  .meta({ id: 'AuditPage' });
export type AuditPageDto = z.infer<typeof auditPageSchema>;
