import { z } from 'zod';
import { timezoneSchema } from '../users/dto.ts';

const isoDate = z.iso.date();

const cohortFields = {
  title: z.string().trim().min(1).max(200),
  description: z.string().max(20_000),
  startsOn: isoDate,
  endsOn: isoDate,
  timezone: timezoneSchema,
  /** Null: no limit. */
  seats: z.number().int().positive().max(100_000).nullable(),
  evaluationEndsOn: isoDate.nullable(),
};

interface CohortDates {
  startsOn: string;
  endsOn: string;
  evaluationEndsOn: string | null;
}

/** What is wrong with a cohort's dates, field by field (ISO dates compare as strings). Shared by the input schema and by edits that change one date. */
export function cohortDateIssues(dates: CohortDates): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if (dates.endsOn < dates.startsOn) issues.push({ path: 'endsOn', message: 'The end date is before the start date' });
  if (dates.evaluationEndsOn && dates.evaluationEndsOn < dates.startsOn) {
    issues.push({ path: 'evaluationEndsOn', message: 'Evaluations cannot end before the cohort starts' });
  }
  return issues;
}

export const cohortInput = z
  .object({
    ...cohortFields,
    description: cohortFields.description.default(''),
    seats: cohortFields.seats.default(null),
    evaluationEndsOn: cohortFields.evaluationEndsOn.default(null),
  })
  .superRefine((cohort, ctx) => {
    for (const issue of cohortDateIssues(cohort)) ctx.addIssue({ code: 'custom', message: issue.message, path: [issue.path] });
  })
  .meta({ id: 'CohortInput' });
export type CohortInput = z.infer<typeof cohortInput>;

/** Any subset of the fields; dates are checked against the stored ones by the service. No defaults here, so an edit never resets a field it does not name. */
export const cohortUpdateInput = z.object(cohortFields).partial().meta({ id: 'CohortUpdate' });
export type CohortUpdateInput = z.infer<typeof cohortUpdateInput>;

export const cohortCourseSchema = z.object({
  courseId: z.uuid(),
  title: z.string(),
  evaluatorId: z.uuid().nullable(),
  evaluatorName: z.string().nullable(),
});

export const cohortSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string(),
    startsOn: z.string(),
    endsOn: z.string(),
    timezone: z.string(),
    seats: z.number().int().nullable(),
    /** Seats still free; null when the cohort has no limit. */
    seatsLeft: z.number().int().nullable(),
    evaluationEndsOn: z.string().nullable(),
    memberCount: z.number().int(),
    /** In the cohort's order. */
    courses: z.array(cohortCourseSchema),
    createdAt: z.string(),
    /** Changes with every edit, course change and membership change: a client keeps the newest copy. */
    updatedAt: z.string(),
  })
  .meta({ id: 'Cohort' });
export type CohortDto = z.infer<typeof cohortSchema>;

export const cohortMemberSchema = z
  .object({ userId: z.uuid(), name: z.string(), email: z.string(), joinedAt: z.string() })
  .meta({ id: 'CohortMember' });
export type CohortMemberDto = z.infer<typeof cohortMemberSchema>;

/** A cohort's page; `members` (the first page, by name) only for those who may see the dashboard, else null. */
export const cohortDetailSchema = cohortSchema
  .extend({ members: z.array(cohortMemberSchema).nullable() })
  .meta({ id: 'CohortDetail' });
export type CohortDetailDto = z.infer<typeof cohortDetailSchema>;

const page = {
  search: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};
export const cohortListQuery = z.object(page);
export const cohortListSchema = z.object({ cohorts: z.array(cohortSchema), total: z.number().int() }).meta({ id: 'CohortList' });
export type CohortListDto = z.infer<typeof cohortListSchema>;
export const memberListQuery = z.object(page);
export const memberListSchema = z.object({ members: z.array(cohortMemberSchema), total: z.number().int() }).meta({ id: 'CohortMemberList' });
export type MemberListDto = z.infer<typeof memberListSchema>;

export const cohortCoursesInput = z
  .object({
    /** The whole list, in order: courses not named are unlinked (their enrollments stay). */
    courses: z
      .array(z.object({ courseId: z.uuid(), evaluatorId: z.uuid().nullable().default(null) }))
      .max(100)
      .refine((list) => new Set(list.map((c) => c.courseId)).size === list.length, 'A course appears twice'),
  })
  .meta({ id: 'CohortCoursesInput' });
export type CohortCoursesInput = z.infer<typeof cohortCoursesInput>;

const userIds = z
  .array(z.uuid())
  .min(1)
  .max(5_000)
  .transform((ids) => [...new Set(ids)]);
export const memberIdsInput = z.object({ userIds }).meta({ id: 'CohortMemberIds' });

export const membersAddedSchema = z
  .object({
    added: z.array(z.uuid()),
    alreadyMembers: z.array(z.uuid()),
    /** Enrollments created or reactivated in the cohort's courses. */
    enrolled: z.number().int(),
    cohort: cohortSchema,
  })
  .meta({ id: 'CohortMembersAdded' });
export type MembersAddedDto = z.infer<typeof membersAddedSchema>;
export const membersRemovedSchema = z.object({ removed: z.array(z.uuid()), cohort: cohortSchema }).meta({ id: 'CohortMembersRemoved' });
export type MembersRemovedDto = z.infer<typeof membersRemovedSchema>;

/** One learner's standing in one course of the cohort. */
export const courseProgressSchema = z
  .object({
    enrollmentId: z.uuid(),
    progress: z.number(),
    status: z.enum(['active', 'removed']),
    currentLessonId: z.uuid().nullable(),
    completedAt: z.string().nullable(),
  })
  .meta({ id: 'CohortCourseProgress' });
export type CourseProgressDto = z.infer<typeof courseProgressSchema>;
const progressByCourse = z.record(z.string(), courseProgressSchema);

export const cohortDashboardSchema = z
  .object({
    cohort: cohortSchema,
    courses: z.array(
      z.object({
        courseId: z.uuid(),
        title: z.string(),
        /** Mean progress over members with an active enrollment in the course, 0 when none. */
        averageProgress: z.number(),
        completed: z.number().int(),
        enrolled: z.number().int(),
      }),
    ),
    /** Members by name; `progress` has an entry for each cohort course the member has an enrollment in. */
    members: z.array(cohortMemberSchema.extend({ progress: progressByCourse })),
  })
  .meta({ id: 'CohortDashboard' });
export type CohortDashboardDto = z.infer<typeof cohortDashboardSchema>;

export const myCohortsSchema = z
  .object({ cohorts: z.array(z.object({ cohort: cohortSchema, joinedAt: z.string(), progress: progressByCourse })) })
  .meta({ id: 'MyCohorts' });
export type MyCohortsDto = z.infer<typeof myCohortsSchema>;

export const idParam = z.object({ id: z.uuid() });
