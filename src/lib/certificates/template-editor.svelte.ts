import {
  ApiError,
  createCertificateTemplate,
  listCertificateTemplates,
  previewCertificateTemplate,
  setDefaultCertificateTemplate,
  updateCertificateTemplate,
  type CertificateDesign,
  type CertificateTemplateView,
} from '$lib/api/client';
import { certificateDesignSchema, defaultCertificateDesign } from '$server/modules/certificates/render/design.ts';
import { Snapshot } from '$lib/snapshot.svelte';

/** How long typing pauses before the preview is drawn again (a render takes a moment on the server). */
const PREVIEW_DELAY_MS = 400;

export interface TemplateDraft {
  name: string;
  design: CertificateDesign;
}

/**
 * The moderators' template workshop: the list, one template (or a new one) being edited, and a
 * live preview image of the draft, drawn by the server from sample facts after typing pauses.
 * Preview requests that are overtaken are cancelled, so an old image never replaces a newer one.
 */
export class TemplateEditor {
  readonly templates = new Snapshot<{ templates: CertificateTemplateView[] }>((signal) => listCertificateTemplates(signal));
  /** The template being edited; `'new'` for one not saved yet; null when none is open. */
  selectedId = $state<string | 'new' | null>(null);
  draft = $state<TemplateDraft | null>(null);
  saving = $state(false);
  previewUrl = $state<string | null>(null);
  previewLoading = $state(false);
  previewError = $state<string | null>(null);
  /** What the design check says is wrong, by field (also stops the preview until fixed). */
  designIssues = $derived(this.draft ? issuesOf(this.draft.design) : {});
  readonly selected = $derived(this.templates.value?.templates.find((template) => template.id === this.selectedId) ?? null);
  readonly dirty = $derived(Boolean(this.draft && (!this.selected || JSON.stringify(this.draft) !== JSON.stringify({ name: this.selected.name, design: this.selected.design }))));

  #timer: ReturnType<typeof setTimeout> | undefined;
  #controller: AbortController | null = null;

  load(): Promise<void> {
    return this.templates.load();
  }

  open(template: CertificateTemplateView): void {
    this.selectedId = template.id;
    this.draft = { name: template.name, design: structuredClone($state.snapshot(template.design)) };
    this.schedulePreview(0);
  }

  /** A new template starts from the site default's look, else the built-in one. */
  openNew(): void {
    const base = this.templates.value?.templates.find((template) => template.isDefault)?.design ?? defaultCertificateDesign;
    this.selectedId = 'new';
    this.draft = { name: '', design: structuredClone($state.snapshot(base)) };
    this.schedulePreview(0);
  }

  close(): void {
    this.selectedId = null;
    this.draft = null;
    this.#cancelPreview();
    this.#setPreview(null);
  }

  /** Call after every change to the design: the preview follows once typing pauses. */
  schedulePreview(delayMs = PREVIEW_DELAY_MS): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#drawPreview(), delayMs);
  }

  async save(): Promise<CertificateTemplateView | null> {
    const draft = this.draft;
    if (!draft) return null;
    this.saving = true;
    try {
      const body = { name: draft.name.trim(), design: $state.snapshot(draft.design) };
      const saved = this.selectedId === 'new' || !this.selectedId ? await createCertificateTemplate(body) : await updateCertificateTemplate(this.selectedId, body);
      this.#store(saved);
      this.selectedId = saved.id;
      this.draft = { name: saved.name, design: structuredClone($state.snapshot(saved.design)) };
      return saved;
    } finally {
      this.saving = false;
    }
  }

  async makeDefault(id: string): Promise<void> {
    const saved = await setDefaultCertificateTemplate(id);
    // Only one default: the others lose the flag.
    this.templates.update((value) => ({ templates: value.templates.map((template) => (template.id === saved.id ? saved : { ...template, isDefault: false })) }));
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#cancelPreview();
    this.#setPreview(null);
  }

  async #drawPreview(): Promise<void> {
    const draft = this.draft;
    if (!draft || Object.keys(this.designIssues).length > 0) return;
    this.#cancelPreview();
    const controller = new AbortController();
    this.#controller = controller;
    this.previewLoading = true;
    try {
      const image = await previewCertificateTemplate($state.snapshot(draft.design), controller.signal);
      if (controller.signal.aborted) return;
      this.#setPreview(URL.createObjectURL(image));
      this.previewError = null;
    } catch (error) {
      if (controller.signal.aborted) return;
      this.previewError = error instanceof ApiError ? error.message : 'The preview could not be drawn.';
    } finally {
      if (this.#controller === controller) {
        this.previewLoading = false;
        this.#controller = null;
      }
    }
  }

  #cancelPreview(): void {
    this.#controller?.abort();
    this.#controller = null;
    this.previewLoading = false;
  }

  #setPreview(url: string | null): void {
    if (this.previewUrl) URL.revokeObjectURL(this.previewUrl);
    this.previewUrl = url;
  }

  #store(saved: CertificateTemplateView): void {
    this.templates.update((value) => {
      const known = value.templates.some((template) => template.id === saved.id);
      const templates = known ? value.templates.map((template) => (template.id === saved.id ? saved : template)) : [...value.templates, saved];
      return { templates: saved.isDefault ? templates.map((template) => (template.id === saved.id ? template : { ...template, isDefault: false })) : templates };
    });
  }
}

function issuesOf(design: CertificateDesign): Record<string, string> {
  const result = certificateDesignSchema.safeParse(design);
  if (result.success) return {};
  const issues: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'design');
    issues[field] ??= issue.message;
  }
  return issues;
}
