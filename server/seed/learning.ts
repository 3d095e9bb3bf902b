import { eq, inArray } from 'drizzle-orm';
import type { Actor } from '../auth/permissions.ts';
import type { Database } from '../db/client.ts';
import { createCohort } from '../modules/cohorts/service.ts';
import { setCohortCourses } from '../modules/cohorts/cohort-courses.ts';
import { addMembers } from '../modules/cohorts/membership.ts';
import { createCourse, setCourseStatus } from '../modules/courses/authoring.ts';
import { quizInput } from '../modules/courses/dto.ts';
import { addChapter, addLesson } from '../modules/courses/outline.ts';
import { createQuiz } from '../modules/courses/quizzes.ts';
import { selfEnrol } from '../modules/enrollment/enrollments.ts';
import { completeLesson } from '../modules/enrollment/learning.ts';
import { settings } from '../modules/system/schema.ts';
import { userRoles, users } from '../modules/users/schema.ts';

interface DemoCourse {
  title: string;
  description: string;
  settings: { isMandatory?: boolean; validityDays?: number | null; enableCertification?: boolean; evaluationRequired?: boolean };
  chapters: { title: string; lessons: { title: string; body: string; videoUrl?: string }[] }[];
  quiz?: { title: string; questions: { prompt: string; kind: 'single' | 'multiple'; explanation: string; options: [string, boolean][] }[] };
}

const demoCourses: DemoCourse[] = [
  {
    title: 'Workplace Fire Safety',
    description: 'What to do before, during and after a fire alarm. Required every year for everyone on site.',
    settings: { isMandatory: true, validityDays: 365, enableCertification: true },
    chapters: [
      {
        title: 'Before an emergency',
        lessons: [
          { title: 'Know your exits', body: '## Two ways out\n\nFrom every desk there are **two** escape routes. Walk both once this week.\n\n- Green signs point to the nearest exit\n- Fire doors are never wedged open' },
          { title: 'Extinguishers and what they are for', body: '| Label | Use on |\n|---|---|\n| Water | paper, wood |\n| CO₂ | electrical fires |\n| Foam | flammable liquids |' },
        ],
      },
      {
        title: 'When the alarm sounds',
        lessons: [
          { title: 'Leave calmly', body: 'Stop work, close the door behind you, and use the stairs — **never the lift**.' },
          { title: 'At the assembly point', body: 'Report to your floor warden so nobody is searched for who is already safe.' },
        ],
      },
    ],
    quiz: {
      title: 'Fire safety check',
      questions: [
        { prompt: 'Which extinguisher is safe on an electrical fire?', kind: 'single', explanation: 'CO₂ does not conduct electricity.', options: [['Water', false], ['CO₂', true], ['Foam', false]] },
        { prompt: 'What do you do when the alarm sounds?', kind: 'multiple', explanation: 'Close doors to slow the fire; lifts can stop between floors.', options: [['Close the door behind you', true], ['Take the lift', false], ['Use the stairs', true]] },
      ],
    },
  },
  {
    title: 'Data Protection Essentials',
    description: 'Handling personal data lawfully, with an evaluator-led assessment before certification.',
    settings: { enableCertification: true, evaluationRequired: true },
    chapters: [
      {
        title: 'Principles',
        lessons: [
          { title: 'What counts as personal data', body: 'Anything that identifies a person, **directly or indirectly**: a name, an email, a badge number.' },
          { title: 'Lawful bases', body: 'Consent is only one of six lawful bases. Most HR processing rests on *contract* or *legal obligation*.' },
          { title: 'Reporting a breach', body: 'Report suspected breaches to the privacy team within **24 hours**, even when unsure.' },
        ],
      },
    ],
    quiz: {
      title: 'Data protection quiz',
      questions: [
        { prompt: 'Is a work email address personal data?', kind: 'single', explanation: 'It identifies a person.', options: [['Yes', true], ['No', false]] },
        { prompt: 'How soon must a suspected breach be reported?', kind: 'single', explanation: 'Within 24 hours, so the 72-hour legal deadline can be met.', options: [['Within 24 hours', true], ['Within a month', false], ['Only when confirmed', false]] },
      ],
    },
  },
  {
    title: 'Effective Feedback Conversations',
    description: 'Give feedback people can act on. Self-paced, open to everyone.',
    settings: {},
    chapters: [
      {
        title: 'The conversation',
        lessons: [
          { title: 'Situation, behaviour, impact', body: 'Describe the **situation**, the **behaviour** you saw, and its **impact** — then listen.' },
          { title: 'Asking before telling', body: 'Start with a question: *“How do you think the demo went?”*' },
          { title: 'Following up', body: 'Agree one next step and a date to check in.' },
        ],
      },
    ],
  },
];

async function actorFor(db: Database, email: string): Promise<Actor & { kind: 'user' }> {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  const roles = await db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, user.id));
  return { kind: 'user', userId: user.id, roles: roles.map((r) => r.role) };
}

/**
 * The demo organisation's learning: three courses by the course creator, an onboarding cohort
 * with an evaluator, and learners part-way through. Built through the services, as people would.
 */
export async function seedDemoLearning(db: Database, learnerEmails: string[], now = new Date()): Promise<boolean> {
  const [claimed] = await db.insert(settings).values({ key: 'demoLearningSeededAt', value: now.toISOString() }).onConflictDoNothing().returning();
  if (!claimed) return false;
  const creator = await actorFor(db, 'creator@demo.test');
  const moderator = await actorFor(db, 'moderator@demo.test');
  const evaluator = await actorFor(db, 'evaluator@demo.test');

  const courseIds: string[] = [];
  const lessonIdsByCourse: string[][] = [];
  for (const spec of demoCourses) {
    const { value: course } = await createCourse(db, { actor: creator, settings: { title: spec.title, description: spec.description, coverImage: null, isMandatory: false, validityDays: null, disableSelfLearning: false, enableCertification: false, evaluationRequired: false, evaluationSlotMinutes: 30, ...spec.settings }, now });
    const lessonIds: string[] = [];
    let lastChapterId = '';
    for (const chapter of spec.chapters) {
      const { value: outline } = await addChapter(db, { actor: creator, courseId: course.id, title: chapter.title, now });
      lastChapterId = outline.chapters[outline.chapters.length - 1].id;
      for (const lesson of chapter.lessons) {
        const { value } = await addLesson(db, { actor: creator, chapterId: lastChapterId, lesson: { title: lesson.title, body: lesson.body, videoUrl: lesson.videoUrl ?? null }, now });
        lessonIds.push(value.id);
      }
    }
    if (spec.quiz) {
      const quiz = quizInput.parse({
        title: spec.quiz.title,
        passPercentage: 50,
        maxAttempts: 3,
        questions: spec.quiz.questions.map((q) => ({ prompt: q.prompt, kind: q.kind, explanation: q.explanation, options: q.options.map(([label, isCorrect]) => ({ label, isCorrect })) })),
      });
      await createQuiz(db, { actor: creator, chapterId: lastChapterId, quiz, now });
    }
    await setCourseStatus(db, { actor: creator, courseId: course.id, status: 'published', now });
    courseIds.push(course.id);
    lessonIdsByCourse.push(lessonIds);
  }

  const { value: cohort } = await createCohort(db, {
    actor: moderator,
    cohort: { title: 'Autumn 2026 Onboarding', description: 'New joiners of September to November.', startsOn: '2026-10-01', endsOn: '2026-12-31', timezone: 'Europe/London', seats: 30, evaluationEndsOn: '2026-12-18' },
    now,
  });
  await setCohortCourses(db, { actor: moderator, cohortId: cohort.id, courses: [{ courseId: courseIds[0], evaluatorId: null }, { courseId: courseIds[1], evaluatorId: evaluator.userId }], now });
  const members = await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.email, learnerEmails));
  await addMembers(db, { actor: moderator, cohortId: cohort.id, userIds: members.map((m) => m.id), now });

  // Learners part-way through, so dashboards have something to show.
  for (const [index, member] of members.entries()) {
    const learner = await actorFor(db, member.email);
    const fireLessons = lessonIdsByCourse[0].slice(0, index % 5);
    for (const lessonId of fireLessons) await completeLesson(db, { actor: learner, lessonId, now });
    if (index % 3 === 0) {
      await selfEnrol(db, { actor: learner, courseId: courseIds[2], now });
      await completeLesson(db, { actor: learner, lessonId: lessonIdsByCourse[2][0], now });
    }
  }
  return true;
}
