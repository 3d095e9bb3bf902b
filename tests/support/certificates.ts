import type { Database } from '../../server/db/client.ts';
import { createCourse, type TestCourse, type TestQuizSpec } from './courses.ts';
import { createUser, type TestUser } from './factories.ts';
import type { HttpClient } from './http.ts';
import { sessionFor, type Harness } from './scheduling.ts';

export interface Learner {
  user: TestUser;
  client: HttpClient;
}

/** A published course that awards certificates (with `validityDays`, it is mandatory and certificates expire). */
export async function certificationCourse(db: Database, options: { lessons?: number; quizzes?: TestQuizSpec[]; validityDays?: number; title?: string; enableCertification?: boolean } = {}): Promise<TestCourse> {
  return createCourse(db, {
    lessons: options.lessons ?? 2,
    quizzes: options.quizzes,
    title: options.title,
    settings: {
      enableCertification: options.enableCertification ?? true,
      ...(options.validityDays ? { isMandatory: true, validityDays: options.validityDays } : {}),
    },
  });
}

/** A learner enrolled in `course`, with every lesson done when `complete` (the default). */
export async function learnerIn(harness: Harness, course: TestCourse, options: { complete?: boolean; name?: string } = {}): Promise<Learner> {
  const user = await createUser(harness.db, { name: options.name });
  const client = await sessionFor(harness, user);
  const enrolled = await client.post(`/api/courses/${course.id}/enroll`);
  if (enrolled.status !== 201) throw new Error(`enrol: ${enrolled.status} ${JSON.stringify(enrolled.body)}`);
  if (options.complete ?? true) {
    for (const lessonId of course.lessonIds) {
      const done = await client.post(`/api/learn/lessons/${lessonId}/complete`);
      if (done.status !== 200) throw new Error(`complete: ${done.status} ${JSON.stringify(done.body)}`);
    }
  }
  return { user, client };
}

/** A signed-in staff member with `role`. */
export async function staffMember(harness: Harness, role: 'moderator' | 'system_manager' = 'moderator'): Promise<Learner> {
  const user = await createUser(harness.db, { roles: [role] });
  return { user, client: await sessionFor(harness, user) };
}
