import type { Server } from 'socket.io';
import { roles as allRoles, staffRoles, type Role } from '../auth/roles.ts';
import { rooms, type DomainEvent, type EventName, type EventPayloads } from './events.ts';

/** The result of a service call that changed something: its value and the events to push. */
export interface Outcome<T> {
  value: T;
  events: DomainEvent[];
}

export function outcome<T>(value: T, events: DomainEvent[] = []): Outcome<T> {
  return { value, events };
}

/** Turns committed domain events into socket emits. Services never see it; routes and jobs hand it their outcomes. */
export interface Relay {
  publish(events: readonly DomainEvent[]): void;
  /** Publishes an outcome's events and returns its value. */
  deliver<T>(result: Outcome<T>): T;
}

const staffRooms = staffRoles.map((role) => rooms.role(role));

/** Which rooms hear each event. A learner's private state goes to their own room and staff rooms only. */
const routes: { [K in EventName]: (payload: EventPayloads[K]) => string[] } = {
  'user.updated': (user) => [rooms.user(user.id), ...staffRooms],
  'mail.recorded': () => staffRooms,
  'session.revoked': (revoked) => revoked.sessionIds.map(rooms.session),
  'enrollment.updated': (enrollment) => [
    rooms.user(enrollment.userId),
    rooms.course(enrollment.courseId),
    ...enrollment.cohortIds.map(rooms.cohort),
    rooms.dashboard,
  ],
  'course.updated': (course) => [rooms.course(course.id), ...staffRooms],
  'cohort.updated': (cohort) => [rooms.cohort(cohort.id), ...staffRooms],
  'board.changed': (change) => [...change.courseIds.map(rooms.board), rooms.evaluator(change.evaluatorId), ...staffRooms],
  'board.refresh': (refresh) => [...refresh.courseIds.map(rooms.board), ...(refresh.evaluatorId ? [rooms.evaluator(refresh.evaluatorId)] : []), ...staffRooms],
  // Never the board rooms: enrolled learners hear those, and a request names its learner and outcome.
  'certificateRequest.updated': (request) => [rooms.user(request.memberId), rooms.evaluator(request.evaluatorId), rooms.course(request.courseId), rooms.dashboard, ...staffRooms],
  'waitlist.slotsAvailable': (entry) => [rooms.user(entry.memberId)],
  'trainingAssignment.updated': (assignment) => [rooms.user(assignment.userId), ...staffRooms],
  'certificate.updated': ({ certificate }) => [rooms.user(certificate.memberId), rooms.dashboard],
  'certification.updated': (update) => [rooms.user(update.memberId)],
  'certificateBatch.progress': (progress) => (progress.requestedBy ? [rooms.user(progress.requestedBy)] : []),
};

/** Rooms a socket of a user holding `roles` joins. */
export function roomsForUser(userId: string, sessionId: string, roles: readonly Role[]): string[] {
  const joined = [rooms.user(userId), rooms.session(sessionId), ...roles.map(rooms.role)];
  if (roles.some((role) => staffRoles.includes(role))) joined.push(rooms.dashboard);
  if (roles.includes('batch_evaluator')) joined.push(rooms.evaluator(userId));
  return joined;
}

export function createSocketRelay(io: Server, onError: (error: unknown) => void): Relay {
  const relay: Relay = {
    publish(events) {
      for (const event of events) {
        try {
          const targets = (routes[event.name] as (payload: unknown) => string[])(event.payload);
          if (targets.length) io.to(targets).emit(event.name, event.payload as never);
          afterEmit(io, event);
        } catch (error) {
          onError(error);
        }
      }
    },
    deliver(result) {
      relay.publish(result.events);
      return result.value;
    },
  };
  return relay;
}

/** Side effects on socket membership, carried across nodes by the adapter. */
function afterEmit(io: Server, event: DomainEvent): void {
  if (event.name === 'session.revoked') {
    for (const sessionId of event.payload.sessionIds) io.in(rooms.session(sessionId)).disconnectSockets(true);
  }
  if (event.name === 'user.updated') {
    const userRoom = io.in(rooms.user(event.payload.id));
    if (!event.payload.isActive) {
      userRoom.disconnectSockets(true);
      return;
    }
    const held = new Set(event.payload.roles);
    const isStaff = event.payload.roles.some((role) => staffRoles.includes(role));
    userRoom.socketsLeave([...allRoles.filter((role) => !held.has(role)).map(rooms.role), ...(isStaff ? [] : [rooms.dashboard])]);
    userRoom.socketsJoin([...event.payload.roles.map(rooms.role), ...(isStaff ? [rooms.dashboard] : [])]);
    if (held.has('batch_evaluator')) userRoom.socketsJoin(rooms.evaluator(event.payload.id));
    else userRoom.socketsLeave(rooms.evaluator(event.payload.id));
  }
}

/** A relay that keeps events in memory: for app tests that run without sockets. */
export function createRecordingRelay(): Relay & { events: DomainEvent[] } {
  const events: DomainEvent[] = [];
  const relay = {
    events,
    publish(list: readonly DomainEvent[]) {
      events.push(...list);
    },
    deliver<T>(result: Outcome<T>) {
      relay.publish(result.events);
      return result.value;
    },
  };
  return relay;
}
