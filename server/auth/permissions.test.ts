import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { authorize, can, type Actor } from './permissions.ts';
import type { Role } from './roles.ts';

const user = (roles: Role[], userId = 'u1'): Actor => ({ kind: 'user', userId, roles });

describe('permission helper', () => {
  it('lets roles do what the table grants them and nothing else', () => {
    expect(can(user(['system_manager']), 'users.manage')).toBe(true);
    expect(can(user(['moderator']), 'users.manage')).toBe(false);
    expect(can(user(['moderator']), 'users.list')).toBe(true);
    expect(can(user(['student']), 'users.list')).toBe(false);
    expect(can(user(['course_creator', 'batch_evaluator']), 'mailbox.read')).toBe(false);
    expect(can(user(['student', 'moderator']), 'mailbox.read')).toBe(true);
  });

  it('lets a user see and change their own record only', () => {
    expect(can(user(['student'], 'u1'), 'users.view', { userId: 'u1' })).toBe(true);
    expect(can(user(['student'], 'u1'), 'users.view', { userId: 'u2' })).toBe(false);
    expect(can(user(['student'], 'u1'), 'profile.update', { userId: 'u1' })).toBe(true);
    expect(can(user(['student'], 'u1'), 'profile.update', { userId: 'u2' })).toBe(false);
  });

  it('gives API keys exactly their scopes, never role-only actions', () => {
    const key: Actor = { kind: 'api_key', keyId: 'k', name: 'HR', scopes: ['users:read'], createdBy: 'u1' };
    expect(can(key, 'users.list')).toBe(true);
    expect(can(key, 'users.manage')).toBe(false);
    expect(can(key, 'settings.manage')).toBe(false);
    expect(can(key, 'profile.update', { userId: 'u1' })).toBe(false);
  });

  it('lets the platform itself (jobs) do anything, and nobody do anything signed out', () => {
    expect(can({ kind: 'system', reason: 'test' }, 'users.manage')).toBe(true);
    expect(can(null, 'users.list')).toBe(false);
  });

  it('throws 401 for nobody and 403 for the wrong person', () => {
    expect(() => authorize(null, 'users.list')).toThrowError(expect.objectContaining({ code: 'unauthenticated' }) as unknown as AppError);
    try {
      authorize(user(['student']), 'users.list');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(403);
    }
  });
});
