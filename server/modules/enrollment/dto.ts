import { z } from 'zod';

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
    enrolledAt: z.string(),
    updatedAt: z.string(),
    completedLessonIds: z.array(z.uuid()),
    passedQuizIds: z.array(z.uuid()),
    /** Cohorts in which this learner takes this course: their dashboards hear about it. */
    cohortIds: z.array(z.uuid()),
  })
  .meta({ id: 'Enrollment' });
export type EnrollmentDto = z.infer<typeof enrollmentSchema>;
