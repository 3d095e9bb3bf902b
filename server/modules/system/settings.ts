import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../db/client.ts';
import { authorize, actorUserId, type Actor } from '../../auth/permissions.ts';
import { recordAudit } from './audit.ts';
import { settings } from './schema.ts';
import { signupModeSchema, timezoneSchema } from '../users/dto.ts';

/** Organisation settings with their defaults. Later modules add keys here. */
const settingFields = {
  signupMode: signupModeSchema,
  /** Scheduling: a slot must start at least this many hours ahead; learners may cancel or reschedule until then. */
  minimumNoticeHours: z.number().int().min(0).max(720),
  /** Scheduling: slots are offered up to this many days ahead. */
  bookingHorizonDays: z.number().int().min(1).max(365),
  /** Training: the organisation's IANA timezone; due dates and completion days are days there. */
  organisationTimezone: timezoneSchema,
  /** Training: the onboarding hook's assignments are due this many days after onboarding. */
  onboardingDueDays: z.number().int().min(1).max(365),
  /** Training: the next cycle's assignment is created when a completion expires within this many days. */
  recertificationWindowDays: z.number().int().min(1).max(365),
  /** Certificates: the issuer named on certificates, their verification page and credentials. */
  organisationName: z.string().trim().min(1).max(120),
};
export const settingsSchema = z.object({
  signupMode: settingFields.signupMode.default('open'),
  minimumNoticeHours: settingFields.minimumNoticeHours.default(12),
  bookingHorizonDays: settingFields.bookingHorizonDays.default(60),
  organisationTimezone: settingFields.organisationTimezone.default('UTC'),
  onboardingDueDays: settingFields.onboardingDueDays.default(30),
  recertificationWindowDays: settingFields.recertificationWindowDays.default(30),
  organisationName: settingFields.organisationName.default('Learning Platform'),
});
export type Settings = z.infer<typeof settingsSchema>;
// Built from the bare fields: zod 4 would apply the defaults above even to omitted PATCH fields.
export const settingsUpdateInput = z.object(settingFields).partial().meta({ id: 'SettingsUpdate' });
export const settingsDto = settingsSchema.meta({ id: 'Settings' });

export async function readSettings(db: Executor): Promise<Settings> {
  const rows = await db.select({ key: settings.key, value: settings.value }).from(settings);
  return settingsSchema.parse(Object.fromEntries(rows.map((r) => [r.key, r.value])));
}

/** The settings page's view: system managers only. */
export async function getSettings(db: Executor, { actor }: { actor: Actor }): Promise<Settings> {
  authorize(actor, 'settings.manage');
  return readSettings(db);
}

export async function updateSettings(
  db: Executor,
  { actor, changes }: { actor: Actor; changes: Partial<Settings> },
): Promise<Settings> {
  authorize(actor, 'settings.manage');
  return db.transaction(async (tx) => {
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      await tx
        .insert(settings)
        .values({ key, value, updatedBy: actorUserId(actor) })
        .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date(), updatedBy: actorUserId(actor) } });
    }
    await recordAudit(tx, { actor, action: 'settings_changed', subjectType: 'settings', subjectId: 'organisation', details: changes });
    return readSettings(tx);
  });
}

export async function readSetting<K extends keyof Settings>(db: Executor, key: K): Promise<Settings[K]> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
  return settingsSchema.shape[key].parse(row?.value) as Settings[K];
}
