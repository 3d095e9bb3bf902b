import { z } from 'zod';
import { timezoneSchema } from '../users/dto.ts';

const isoDate = z.iso.date();

export const cohortInput = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().max(20_000).default(''),
    startsOn: isoDate,
    endsOn: isoDate,
    timezone: timezoneSchema,
    seats: z.number().int().positive().max(100_000).nullable().default(null),
    evaluationEndsOn: isoDate.nullable().default(null),
  })
  .refine((c) => c.endsOn >= c.startsOn, { message: 'The end date is before the start date', path: ['endsOn'] })
  .refine((c) => !c.evaluationEndsOn || c.evaluationEndsOn >= c.startsOn, { message: 'Evaluations cannot end before the cohort starts', path: ['evaluationEndsOn'] })
  .meta({ id: 'CohortInput' });

export const cohortSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string(),
    startsOn: z.string(),
    endsOn: z.string(),
    timezone: z.string(),
    seats: z.number().int().nullable(),
    evaluationEndsOn: z.string().nullable(),
    memberCount: z.number().int(),
    courses: z.array(z.object({ courseId: z.uuid(), title: z.string(), evaluatorId: z.uuid().nullable(), evaluatorName: z.string().nullable() })),
    updatedAt: z.string(),
  })
  .meta({ id: 'Cohort' });
export type CohortDto = z.infer<typeof cohortSchema>;
