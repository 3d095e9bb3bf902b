import { z } from 'zod';
import { emailSchema, userSchema } from '../users/dto.ts';

export const trainingStatuses = ['pending', 'in_progress', 'completed', 'overdue'] as const;
export const trainingStatusSchema = z.enum(trainingStatuses);
export type TrainingStatus = z.infer<typeof trainingStatusSchema>;

/** A calendar day, YYYY-MM-DD (due dates are days in the organisation's timezone, not instants). */
export const daySchema = z.iso.date();

/** "TA-0007" from 7. */
export function assignmentReference(number: number): string {
  return `TA-${String(number).padStart(4, '0')}`;
}

/** One training assignment as every view shows it and every event carries it. */
export const trainingAssignmentSchema = z
  .object({
    id: z.uuid(),
    number: z.number().int(),
    /** TA-0001 onward. */
    reference: z.string(),
    userId: z.uuid(),
    userName: z.string(),
    userEmail: z.string(),
    department: z.string().nullable(),
    courseId: z.uuid(),
    courseTitle: z.string(),
    courseImage: z.string().nullable(),
    enrollmentId: z.uuid(),
    /** The enrollment's progress, 0–100. */
    progress: z.number(),
    dueOn: daySchema,
    status: trainingStatusSchema,
    source: z.enum(['manual', 'bulk', 'onboarding', 'recertification']),
    cycle: z.number().int(),
    assignedBy: z.uuid().nullable(),
    assignedAt: z.string(),
    completedOn: daySchema.nullable(),
    /** completedOn + the course's validity days: when the learner must recertify (null: never expires). */
    expiresOn: daySchema.nullable(),
    reminderSentAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: 'TrainingAssignment' });
export type TrainingAssignmentDto = z.infer<typeof trainingAssignmentSchema>;

export const assignmentListQuery = z.object({
  status: trainingStatusSchema.optional(),
  courseId: z.uuid().optional(),
  userId: z.uuid().optional(),
  department: z.string().trim().max(120).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type AssignmentListQuery = z.infer<typeof assignmentListQuery>;
export const assignmentListSchema = z
  .object({ assignments: z.array(trainingAssignmentSchema), total: z.number().int() })
  .meta({ id: 'TrainingAssignmentList' });
export const myTrainingSchema = z.object({ assignments: z.array(trainingAssignmentSchema) }).meta({ id: 'MyTraining' });

export const createAssignmentInput = z
  .object({ userId: z.uuid(), courseId: z.uuid(), dueOn: daySchema })
  .meta({ id: 'TrainingAssignmentInput' });
export const updateAssignmentInput = z.object({ dueOn: daySchema }).meta({ id: 'TrainingAssignmentUpdate' });
export const idParam = z.object({ id: z.uuid() });

/** Whom to assign: any mix of ids, emails, a department, a designation, a cohort's members (all resolved on the server). */
export const bulkAssignInput = z
  .object({
    courseId: z.uuid(),
    dueOn: daySchema,
    userIds: z.array(z.uuid()).max(50_000).optional(),
    emails: z.array(emailSchema).max(50_000).optional(),
    department: z.string().trim().min(1).max(120).optional(),
    designation: z.string().trim().min(1).max(120).optional(),
    cohortId: z.uuid().optional(),
  })
  .refine((input) => input.userIds?.length || input.emails?.length || input.department || input.designation || input.cohortId, 'Choose employees: ids, emails, a department, a designation or a cohort.')
  .meta({ id: 'BulkAssignInput' });
export type BulkAssignInput = z.infer<typeof bulkAssignInput>;
export const bulkAssignResultSchema = z
  .object({
    /** Employees the selection resolved to. */
    selected: z.number().int(),
    /** New assignments. */
    assigned: z.number().int(),
    /** Employees who already had an open assignment for the course. */
    skipped: z.number().int(),
    /** Enrollments created or reactivated on the way. */
    enrolled: z.number().int(),
    /** Emails that are no active user. */
    unknownEmails: z.array(z.string()),
  })
  .meta({ id: 'BulkAssignResult' });
export type BulkAssignResultDto = z.infer<typeof bulkAssignResultSchema>;

export const onboardingInput = z
  .object({
    email: emailSchema,
    name: z.string().trim().min(1).max(120),
    employeeCode: z.string().trim().min(1).max(60).optional(),
    department: z.string().trim().min(1).max(120).optional(),
    designation: z.string().trim().min(1).max(120).optional(),
  })
  .meta({ id: 'OnboardingInput' });
export type OnboardingInput = z.infer<typeof onboardingInput>;
export const onboardingResultSchema = z
  .object({ user: userSchema, created: z.boolean(), assignments: z.array(trainingAssignmentSchema) })
  .meta({ id: 'OnboardingResult' });
export type OnboardingResultDto = z.infer<typeof onboardingResultSchema>;

export const employeeImportInput = z.object({ csv: z.string().min(1).max(2_000_000) }).meta({ id: 'EmployeeImportInput' });
export const employeeImportRowSchema = z.object({
  row: z.number().int(),
  email: z.string(),
  outcome: z.enum(['created', 'updated', 'unchanged', 'invalid']),
  userId: z.uuid().nullable(),
  error: z.string().nullable(),
});
export const employeeImportResultSchema = z
  .object({
    rows: z.array(employeeImportRowSchema),
    counts: z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), invalid: z.number().int() }),
  })
  .meta({ id: 'EmployeeImportResult' });
export type EmployeeImportResultDto = z.infer<typeof employeeImportResultSchema>;

const figuresSchema = z.object({
  assigned: z.number().int(),
  completed: z.number().int(),
  inProgress: z.number().int(),
  pending: z.number().int(),
  overdue: z.number().int(),
  /** Open and due within the next 7 days. */
  dueSoon: z.number().int(),
  /** completed / assigned, 0–100. */
  completionRate: z.number(),
});
export type ComplianceFiguresDto = z.infer<typeof figuresSchema>;
export const complianceSchema = z
  .object({
    overall: figuresSchema,
    courses: z.array(figuresSchema.extend({ courseId: z.uuid(), courseTitle: z.string() })),
    departments: z.array(figuresSchema.extend({ department: z.string().nullable() })),
    /** The day the figures count from (today in the organisation's timezone). */
    today: daySchema,
  })
  .meta({ id: 'TrainingCompliance' });
export type ComplianceDto = z.infer<typeof complianceSchema>;
