import type { Executor } from '../../db/client.ts';
import { loadUsers } from '../users/queries.ts';
import type { CertificateRequestDto } from './dto.ts';
import type { RequestNotice } from './jobs.ts';
import { evaluatorTimezone } from './requests.ts';

/**
 * The email job's payload for a change to a request, read inside the transaction that makes the
 * change: the request as it now stands, its learner and evaluator with their addresses and zones,
 * and for a reschedule the previous start (and evaluator, when another one took it over).
 */
export async function noticeFor(
  tx: Executor,
  input: { request: CertificateRequestDto; change: RequestNotice['change']; baseUrl: string | null; previous?: { startsAt: Date; evaluatorId: string } },
): Promise<RequestNotice> {
  const { request, previous } = input;
  const previousEvaluatorId = previous && previous.evaluatorId !== request.evaluatorId ? previous.evaluatorId : null;
  const people = new Map((await loadUsers(tx, [request.memberId, request.evaluatorId, ...(previousEvaluatorId ? [previousEvaluatorId] : [])])).map((u) => [u.id, u]));
  const person = async (id: string, timezone?: string) => {
    const user = people.get(id)!;
    return { id, name: user.name, email: user.email, timezone: timezone ?? (await evaluatorTimezone(tx, id)) };
  };
  return {
    requestId: request.id,
    sequence: request.sequence,
    change: input.change,
    courseTitle: request.courseTitle,
    startsAt: request.startsAt,
    endsAt: request.endsAt,
    previousStartsAt: previous ? previous.startsAt.toISOString() : null,
    meetingLink: request.meetingLink,
    reason: request.cancelReason,
    learner: await person(request.memberId, request.learnerTimezone),
    evaluator: await person(request.evaluatorId, request.evaluatorTimezone),
    previousEvaluator: previousEvaluatorId ? await person(previousEvaluatorId) : null,
    url: input.baseUrl === null ? null : `${input.baseUrl}/certificate-requests/${request.id}`,
  };
}
