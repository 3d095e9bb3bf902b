// Events the server pushes to browsers, shared by both sides. Payloads carry the new state of a
// thing, never a delta, so a client that missed one is put right by the next or by a resync.
import type { MailSummaryDto } from '../mail/dto.ts';
import type { CertificateBatchProgressDto, CertificateDto, CertificationStateDto } from '../modules/certificates/dto.ts';
import type { CohortDto } from '../modules/cohorts/dto.ts';
import type { CourseDto } from '../modules/courses/dto.ts';
import type { EnrollmentDto } from '../modules/enrollment/dto.ts';
import type { BoardChangeDto, BoardRefreshDto, CertificateRequestDto, WaitlistEntryDto } from '../modules/scheduling/dto.ts';
import type { TrainingAssignmentDto } from '../modules/training/dto.ts';
import type { UserDto } from '../modules/users/dto.ts';

export interface EventPayloads {
  /** A user's profile, roles or status changed. */
  'user.updated': UserDto;
  /** A message was recorded in the mail log (staff mailbox updates live). */
  'mail.recorded': MailSummaryDto;
  /** These sessions were ended (password change, deactivation): their sockets are closed too. */
  'session.revoked': { userId: string; sessionIds: string[] };
  /** An enrollment was created, removed, or its progress changed. Private to the learner and those who run the course or cohort. */
  'enrollment.updated': EnrollmentDto;
  /** A course's settings, status or outline changed. */
  'course.updated': CourseDto;
  /** A cohort's details, courses or membership changed. */
  'cohort.updated': CohortDto;
  /** An evaluator's time was booked or freed: slot boards of the courses they serve, their week board, staff. */
  'board.changed': BoardChangeDto;
  /** Availability or evaluators changed: these boards fetch their slots again. */
  'board.refresh': BoardRefreshDto;
  /** A certificate request was booked, rescheduled, cancelled or completed: its learner, its evaluator, the course's runners, staff. */
  'certificateRequest.updated': CertificateRequestDto;
  /** A slot opened for a course this learner waits for: only the learner, in waitlist order. */
  'waitlist.slotsAvailable': WaitlistEntryDto;
  /** A training assignment was created, its due date or status changed: its employee and staff. */
  'trainingAssignment.updated': TrainingAssignmentDto;
  /** A certificate was issued, revoked or replaced: its member and the staff dashboard. */
  'certificate.updated': { certificate: CertificateDto };
  /** A member's certification state for a course changed (queued, issued, refused): only that member. */
  'certification.updated': { state: CertificationStateDto; memberId: string };
  /** A bulk issuance moved on: the staff member who started it. */
  'certificateBatch.progress': CertificateBatchProgressDto;
}

export type EventName = keyof EventPayloads;
export type DomainEvent = { [K in EventName]: { name: K; payload: EventPayloads[K] } }[EventName];

export function domainEvent<K extends EventName>(name: K, payload: EventPayloads[K]): DomainEvent {
  return { name, payload } as DomainEvent;
}

/** What the server tells a socket once it has joined its rooms. */
export interface ReadyPayload {
  userId: string;
  rooms: string[];
  serverTime: string;
}

export type ServerToClientEvents = { [K in EventName]: (payload: EventPayloads[K]) => void } & {
  ready: (payload: ReadyPayload) => void;
};
/** Rooms a page may ask to hear beyond the socket's own: a course's or a cohort's progress, a course's slot board. */
export type WatchTarget = { kind: 'course' | 'cohort' | 'board'; id: string };
export type WatchReply = { ok: true; room: string } | { ok: false; error: string };

export interface ClientToServerEvents {
  /** Join a course, cohort or slot-board room (checked against the permission table); answers with an ack. */
  watch: (target: WatchTarget, reply: (result: WatchReply) => void) => void;
  unwatch: (target: WatchTarget) => void;
}

/** Room names. Every emit goes to one of these; a socket joins only rooms it may see. */
export const rooms = {
  user: (userId: string) => `user:${userId}`,
  role: (role: string) => `role:${role}`,
  session: (sessionId: string) => `session:${sessionId}`,
  course: (courseId: string) => `course:${courseId}`,
  cohort: (cohortId: string) => `cohort:${cohortId}`,
  evaluator: (userId: string) => `evaluator:${userId}`,
  board: (courseId: string) => `board:${courseId}`,
  dashboard: 'dashboard',
} as const;
