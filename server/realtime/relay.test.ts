import { describe, expect, it } from 'vitest';
import { roomsForUser } from './relay.ts';

describe('socket rooms', () => {
  it('puts a learner in their own rooms only', () => {
    expect(roomsForUser('u1', 's1', ['student'])).toEqual(['user:u1', 'session:s1', 'role:student']);
  });

  it('adds the dashboard room for staff', () => {
    expect(roomsForUser('u2', 's2', ['moderator', 'student'])).toEqual(['user:u2', 'session:s2', 'role:moderator', 'role:student', 'dashboard']);
  });
});
