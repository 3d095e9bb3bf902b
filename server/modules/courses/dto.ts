import { z } from 'zod';

const title = z.string().trim().min(1).max(200);
/** An https URL, or an uploaded picture as a data: URL (up to ~1.5 MB). */
const imageSource = z
  .string()
  .max(2_000_000)
  .refine((value) => /^https:\/\//.test(value) || /^data:image\/(png|jpeg|webp|gif);base64,/.test(value), 'An https URL or an uploaded PNG, JPEG, WebP or GIF');

/** Course settings without defaults: the PATCH shape, where a missing field stays as it is. */
const courseFields = {
  title,
  description: z.string().max(20_000),
  coverImage: imageSource.nullable(),
  isMandatory: z.boolean(),
  validityDays: z.number().int().positive().max(3650).nullable(),
  disableSelfLearning: z.boolean(),
  enableCertification: z.boolean(),
  evaluationRequired: z.boolean(),
  evaluationSlotMinutes: z.number().int().min(5).max(480),
};

export const courseSettingsInput = z
  .object({
    ...courseFields,
    description: courseFields.description.default(''),
    coverImage: courseFields.coverImage.optional(),
    isMandatory: courseFields.isMandatory.default(false),
    validityDays: courseFields.validityDays.default(null),
    disableSelfLearning: courseFields.disableSelfLearning.default(false),
    enableCertification: courseFields.enableCertification.default(false),
    evaluationRequired: courseFields.evaluationRequired.default(false),
    evaluationSlotMinutes: courseFields.evaluationSlotMinutes.default(30),
  })
  .meta({ id: 'CourseInput' });
// Zod 4 applies inner defaults even under .partial(), so the update shape is built from the bare fields.
export const courseUpdateInput = z.object(courseFields).partial().meta({ id: 'CourseUpdate' });

export const courseSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string(),
    coverImage: z.string().nullable(),
    status: z.enum(['draft', 'published']),
    ownerId: z.uuid(),
    ownerName: z.string(),
    instructorIds: z.array(z.uuid()),
    /** Co-instructors with their names, for everyone who may edit the course to see. */
    instructors: z.array(z.object({ id: z.uuid(), name: z.string() })),
    isMandatory: z.boolean(),
    validityDays: z.number().int().nullable(),
    disableSelfLearning: z.boolean(),
    enableCertification: z.boolean(),
    evaluationRequired: z.boolean(),
    evaluationSlotMinutes: z.number().int(),
    lessonCount: z.number().int(),
    quizCount: z.number().int(),
    publishedAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Course' });
export type CourseDto = z.infer<typeof courseSchema>;

export const outlineItemSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('lesson'), id: z.uuid(), title: z.string(), position: z.number().int(), hasVideo: z.boolean() }),
  z.object({
    kind: z.literal('quiz'),
    id: z.uuid(),
    title: z.string(),
    position: z.number().int(),
    isRequired: z.boolean(),
    passPercentage: z.number().int(),
    maxAttempts: z.number().int().nullable(),
    timeLimitSeconds: z.number().int().nullable(),
    questionCount: z.number().int(),
  }),
]);
export type OutlineItemDto = z.infer<typeof outlineItemSchema>;

export const chapterSchema = z.object({ id: z.uuid(), title: z.string(), position: z.number().int(), items: z.array(outlineItemSchema) }).meta({ id: 'Chapter' });
export const courseOutlineSchema = z.object({ course: courseSchema, chapters: z.array(chapterSchema) }).meta({ id: 'CourseOutline' });
export const courseDetailSchema = courseOutlineSchema.extend({ editable: z.boolean() }).meta({ id: 'CourseDetail' });
export type CourseOutlineDto = z.infer<typeof courseOutlineSchema>;

export const courseListQuery = z.object({
  search: z.string().trim().max(100).optional(),
  status: z.enum(['draft', 'published']).optional(),
  mandatory: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(24),
  offset: z.coerce.number().int().min(0).default(0),
});
export const courseListSchema = z.object({ courses: z.array(courseSchema), total: z.number().int() }).meta({ id: 'CourseList' });
export type CourseListDto = z.infer<typeof courseListSchema>;

export const chapterInput = z.object({ title }).meta({ id: 'ChapterInput' });

const lessonFields = {
  title,
  body: z.string().max(200_000),
  videoUrl: z.url({ protocol: /^https$/ }).max(2000).nullable(),
};
export const lessonInput = z
  .object({ ...lessonFields, body: lessonFields.body.default(''), videoUrl: lessonFields.videoUrl.default(null) })
  .meta({ id: 'LessonInput' });
export const lessonUpdateInput = z.object(lessonFields).partial().extend({ chapterId: z.uuid().optional() }).meta({ id: 'LessonUpdate' });
export const lessonSchema = z
  .object({
    id: z.uuid(),
    courseId: z.uuid(),
    chapterId: z.uuid(),
    title: z.string(),
    body: z.string(),
    /** `body` rendered from markdown and sanitised: safe to insert as HTML. */
    html: z.string(),
    videoUrl: z.string().nullable(),
    position: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Lesson' });
export type LessonDto = z.infer<typeof lessonSchema>;

const optionInput = z.object({ label: z.string().trim().min(1).max(500), isCorrect: z.boolean() });
const questionInput = z
  .object({
    prompt: z.string().trim().min(1).max(2000),
    kind: z.enum(['single', 'multiple']),
    explanation: z.string().max(4000).default(''),
    points: z.number().int().min(1).max(100).default(1),
    options: z.array(optionInput).min(2).max(12),
  })
  .superRefine((question, ctx) => {
    const correct = question.options.filter((o) => o.isCorrect).length;
    if (correct === 0) ctx.addIssue({ code: 'custom', message: 'Mark at least one option correct', path: ['options'] });
    if (question.kind === 'single' && correct > 1) ctx.addIssue({ code: 'custom', message: 'A single-choice question has exactly one correct option', path: ['options'] });
  });

export const quizInput = z
  .object({
    title,
    passPercentage: z.number().int().min(0).max(100).default(70),
    maxAttempts: z.number().int().min(1).max(100).nullable().default(null),
    timeLimitSeconds: z.number().int().min(10).max(6 * 3600).nullable().default(null),
    isRequired: z.boolean().default(true),
    questions: z.array(questionInput).max(200).default([]),
  })
  .meta({ id: 'QuizInput' });
export type QuizInput = z.infer<typeof quizInput>;

/** A quiz as its authors see it, answers included. Never sent to learners. */
export const quizAuthoringSchema = z
  .object({
    id: z.uuid(),
    courseId: z.uuid(),
    chapterId: z.uuid(),
    title: z.string(),
    position: z.number().int(),
    passPercentage: z.number().int(),
    maxAttempts: z.number().int().nullable(),
    timeLimitSeconds: z.number().int().nullable(),
    isRequired: z.boolean(),
    updatedAt: z.string(),
    questions: z.array(
      z.object({
        id: z.uuid(),
        prompt: z.string(),
        kind: z.enum(['single', 'multiple']),
        explanation: z.string(),
        points: z.number().int(),
        options: z.array(z.object({ id: z.uuid(), label: z.string(), isCorrect: z.boolean() })),
      }),
    ),
  })
  .meta({ id: 'QuizForAuthors' });
export type QuizAuthoringDto = z.infer<typeof quizAuthoringSchema>;

export const outlineOrderInput = z
  .object({
    chapters: z.array(z.object({ id: z.uuid(), items: z.array(z.object({ kind: z.enum(['lesson', 'quiz']), id: z.uuid() })) })),
  })
  .meta({ id: 'OutlineOrder' });

export const instructorsInput = z.object({ userIds: z.array(z.uuid()).max(50) }).meta({ id: 'InstructorsInput' });
