import { sql } from 'drizzle-orm';
import { authorize, actorUserId, type Actor } from '../../auth/permissions.ts';
import type { Database, Executor } from '../../db/client.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../system/audit.ts';
import { readSetting } from '../system/settings.ts';
import { defaultCertificateDesign, type CertificateDesign, type CertificateFacts } from './design.ts';
import type { CertificateTemplateDto } from './dto.ts';
import { certificateUrls } from './queries.ts';
import { renderer } from './renderer.ts';
import { certificateTemplates } from './schema.ts';

type TemplateRow = typeof certificateTemplates.$inferSelect;

function toTemplateDto(row: TemplateRow): CertificateTemplateDto {
  return { id: row.id, name: row.name, isDefault: row.isDefault, design: row.design, updatedAt: row.updatedAt.toISOString() };
}

/**
 * The site default template, created on first use (the partial unique index on `is_default`
 * lets two first uses at once create one).
 */
export async function defaultTemplate(db: Executor): Promise<TemplateRow> {
  const [found] = await db.select().from(certificateTemplates).where(sql`${certificateTemplates.isDefault}`);
  if (found) return found;
  await db.execute(sql`
    insert into certificate_templates (name, design, is_default) values ('Standard', ${JSON.stringify(defaultCertificateDesign)}::jsonb, true)
    on conflict (is_default) where is_default do nothing`);
  const [created] = await db.select().from(certificateTemplates).where(sql`${certificateTemplates.isDefault}`);
  return created;
}

/** A template by id, or the default when `id` is null or the template is gone. */
export async function templateOrDefault(db: Executor, id: string | null | undefined): Promise<TemplateRow> {
  if (id) {
    const [row] = await db.select().from(certificateTemplates).where(sql`${certificateTemplates.id} = ${id}`);
    if (row) return row;
  }
  return defaultTemplate(db);
}

/** A template the caller named: 404 when it does not exist (unlike `templateOrDefault`). */
export async function requireTemplate(db: Executor, id: string): Promise<TemplateRow> {
  const [row] = await db.select().from(certificateTemplates).where(sql`${certificateTemplates.id} = ${id}`);
  if (!row) throw new AppError('not_found', 'No such certificate template.');
  return row;
}

export async function listTemplates(db: Database, input: { actor: Actor }): Promise<{ templates: CertificateTemplateDto[] }> {
  authorize(input.actor, 'certificateTemplates.manage');
  await defaultTemplate(db);
  const rows = await db.select().from(certificateTemplates).orderBy(sql`${certificateTemplates.isDefault} desc, ${certificateTemplates.name}, ${certificateTemplates.id}`);
  return { templates: rows.map(toTemplateDto) };
}

export async function createTemplate(db: Database, input: { actor: Actor; name: string; design: CertificateDesign; now: Date }): Promise<CertificateTemplateDto> {
  const actor = authorize(input.actor, 'certificateTemplates.manage');
  return db.transaction(async (tx) => {
    await defaultTemplate(tx);
    const [row] = await tx
      .insert(certificateTemplates)
      .values({ name: input.name, design: input.design, createdBy: actorUserId(actor), createdAt: input.now, updatedAt: input.now })
      .returning();
    await recordAudit(tx, { actor, action: 'certificate_template_created', subjectType: 'certificate_template', subjectId: row.id, details: { name: row.name } });
    return toTemplateDto(row);
  });
}

export async function updateTemplate(
  db: Database,
  input: { actor: Actor; templateId: string; name?: string; design?: CertificateDesign; now: Date },
): Promise<CertificateTemplateDto> {
  const actor = authorize(input.actor, 'certificateTemplates.manage');
  return db.transaction(async (tx) => {
    await requireTemplate(tx, input.templateId);
    const [row] = await tx
      .update(certificateTemplates)
      .set({ ...(input.name !== undefined ? { name: input.name } : {}), ...(input.design !== undefined ? { design: input.design } : {}), updatedAt: input.now })
      .where(sql`${certificateTemplates.id} = ${input.templateId}`)
      .returning();
    await recordAudit(tx, { actor, action: 'certificate_template_updated', subjectType: 'certificate_template', subjectId: row.id, details: { name: input.name, designChanged: input.design !== undefined } });
    return toTemplateDto(row);
  });
}

/** Makes a template the site default: the old default is cleared first, in the same transaction (one default, by index). */
export async function setDefaultTemplate(db: Database, input: { actor: Actor; templateId: string; now: Date }): Promise<CertificateTemplateDto> {
  const actor = authorize(input.actor, 'certificateTemplates.manage');
  return db.transaction(async (tx) => {
    // Serialises concurrent "make default" clicks: the second waits, then moves the default again.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('certificate_templates.default'))`);
    await requireTemplate(tx, input.templateId);
    await tx.execute(sql`update certificate_templates set is_default = false, updated_at = ${input.now.toISOString()}::timestamptz where is_default and id <> ${input.templateId}`);
    const [row] = await tx
      .update(certificateTemplates)
      .set({ isDefault: true, updatedAt: input.now })
      .where(sql`${certificateTemplates.id} = ${input.templateId}`)
      .returning();
    await recordAudit(tx, { actor, action: 'certificate_template_default_set', subjectType: 'certificate_template', subjectId: row.id });
    return toTemplateDto(row);
  });
}

/** Sample facts for the live preview: a long-ish name with accents, so the moderator sees how text fits. */
export async function sampleFacts(db: Executor, input: { baseUrl: string; now: Date }): Promise<CertificateFacts> {
  const issuedOn = input.now.toISOString().slice(0, 10);
  const expires = new Date(input.now.getTime() + 365 * 86_400_000).toISOString().slice(0, 10);
  const sampleId = 'SAMPLE-PREVIEW-0000000000000';
  return {
    certificateId: sampleId,
    memberName: 'Zoë Álvarez-Łukasiewicz',
    courseTitle: 'Workplace Fire Safety and Emergency Evacuation',
    issuedOn,
    expiresOn: expires,
    issuerName: await readSetting(db, 'organisationName'),
    verifyUrl: certificateUrls(input.baseUrl, sampleId).verifyUrl,
  };
}

/** A PNG of `design` with sample facts (the template editor's live preview). */
export async function previewTemplate(db: Executor, input: { actor: Actor; design: CertificateDesign; baseUrl: string; now: Date }): Promise<Buffer> {
  authorize(input.actor, 'certificateTemplates.manage');
  const facts = await sampleFacts(db, input);
  return (await renderer()).renderCertificatePng(facts, input.design, { width: 1000 });
}
