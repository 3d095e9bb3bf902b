import { describe, expect, it } from 'vitest';
import { overlappingRanges, scheduleSlots, type EvaluatorSchedule } from './slots.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const sunday = 7;

function slotsOn(schedule: EvaluatorSchedule, day: string, slotMinutes = 30) {
  const from = at(`${day}T00:00:00Z`) - 12 * 3_600_000;
  return scheduleSlots({ schedule, slotMinutes, bookings: [], from, to: from + 48 * 3_600_000 }).map((s) => iso(s.startsAt));
}

describe('slot generation across DST changes', () => {
  const berlin = (startMinute: number, endMinute: number): EvaluatorSchedule => ({ timezone: 'Europe/Berlin', bufferMinutes: 0, weekly: [{ weekday: sunday, startMinute, endMinute }], unavailable: [] });

  it('keeps 09:00–12:00 at 09:00–12:00 local on both Berlin transition days', () => {
    expect(slotsOn(berlin(540, 720), '2027-03-28')).toEqual(['07:00', '07:30', '08:00', '08:30', '09:00', '09:30'].map((t) => `2027-03-28T${t}:00.000Z`));
    expect(slotsOn(berlin(540, 720), '2027-10-31')).toEqual(['08:00', '08:30', '09:00', '09:30', '10:00', '10:30'].map((t) => `2027-10-31T${t}:00.000Z`));
  });

  it('fits only the real time of a range across the spring gap, and all of it across the autumn repeat', () => {
    // 01:00–04:00 local: two real hours on 28 March (02:00–03:00 never happens), four on 31 October.
    expect(slotsOn(berlin(60, 240), '2027-03-28')).toEqual(['00:00', '00:30', '01:00', '01:30'].map((t) => `2027-03-28T${t}:00.000Z`));
    expect(slotsOn(berlin(60, 240), '2027-10-31')).toHaveLength(8);
    // A range starting inside the gap starts when the clock jumps (03:00 CEST = 01:00Z).
    expect(slotsOn(berlin(150, 240), '2027-03-28')).toEqual(['2027-03-28T01:00:00.000Z', '2027-03-28T01:30:00.000Z']);
  });

  it('handles New York’s changes, where the gap and the repeat are at 02:00 local', () => {
    const ny: EvaluatorSchedule = { timezone: 'America/New_York', bufferMinutes: 0, weekly: [{ weekday: sunday, startMinute: 60, endMinute: 240 }], unavailable: [] };
    expect(slotsOn(ny, '2027-03-14', 60)).toEqual(['2027-03-14T06:00:00.000Z', '2027-03-14T07:00:00.000Z']);
    expect(slotsOn(ny, '2027-11-07', 60)).toEqual(['05:00', '06:00', '07:00', '08:00'].map((t) => `2027-11-07T${t}:00.000Z`));
  });

  it('leaves a buffer between slots and around bookings, and skips unavailable days', () => {
    const schedule: EvaluatorSchedule = { timezone: 'UTC', bufferMinutes: 10, weekly: [{ weekday: sunday, startMinute: 540, endMinute: 720 }], unavailable: [] };
    expect(slotsOn(schedule, '2027-03-28')).toEqual(['09:00', '09:40', '10:20', '11:00'].map((t) => `2027-03-28T${t}:00.000Z`));
    const booked = scheduleSlots({ schedule, slotMinutes: 30, bookings: [{ startsAt: at('2027-03-28T09:45:00Z'), endsAt: at('2027-03-28T10:15:00Z') }], from: at('2027-03-28T00:00:00Z'), to: at('2027-03-29T00:00:00Z') });
    expect(booked.map((s) => iso(s.startsAt))).toEqual(['2027-03-28T09:00:00.000Z', '2027-03-28T11:00:00.000Z']);
    expect(slotsOn({ ...schedule, unavailable: [{ startsOn: '2027-03-28', endsOn: '2027-03-28' }] }, '2027-03-28')).toEqual([]);
  });

  it('finds overlapping weekly ranges on the same day only', () => {
    const ranges = [
      { weekday: 1, startMinute: 540, endMinute: 720 },
      { weekday: 1, startMinute: 660, endMinute: 780 },
      { weekday: 1, startMinute: 720, endMinute: 780 },
      { weekday: 2, startMinute: 540, endMinute: 720 },
    ];
    expect(overlappingRanges(ranges)).toEqual([[ranges[0], ranges[1]], [ranges[1], ranges[2]]]);
  });
});
