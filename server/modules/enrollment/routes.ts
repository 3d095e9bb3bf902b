import { createRouter, type AppDeps } from '../../http.ts';
import { learnerRoutes } from './learner.routes.ts';
import { staffEnrollmentRoutes } from './staff.routes.ts';

/** Every enrollment endpoint: learners' (enrol, learn, quizzes) and staff's (lists, enrol, import, remove). */
export function enrollmentRoutes(deps: AppDeps) {
  const router = createRouter();
  router.route('/', learnerRoutes(deps));
  router.route('/', staffEnrollmentRoutes(deps));
  return router;
}
