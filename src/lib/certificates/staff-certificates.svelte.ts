import type { CohortDto } from '$server/modules/cohorts/dto.ts';
import type { CourseDto } from '$server/modules/courses/dto.ts';
import {
  certificatesCsvUrl,
  listCatalogue,
  listCertificateTemplates,
  listCertificates,
  listCohorts,
  reissueCertificate,
  revokeCertificate,
  type CertificateFilters,
  type CertificateListDto,
  type CertificateTemplateView,
  type CertificateView,
} from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';

/**
 * The staff list of certificates: one filtered page, the CSV link carrying the same filters,
 * revoke and reissue. Live: a changed certificate is replaced in place; one not on the page (just
 * issued) refetches the page, debounced, since a cohort graduation sends many at once.
 */
export class StaffCertificates {
  readonly limit = 25;
  filters = $state<CertificateFilters>({});
  offset = $state(0);
  readonly list = new Snapshot<CertificateListDto>((signal) => listCertificates({ ...this.filters, limit: this.limit, offset: this.offset }, signal));
  readonly csvUrl = $derived(certificatesCsvUrl(this.filters));
  /** Certificates with a revoke or reissue in flight. */
  busy = $state<Record<string, boolean>>({});
  #reloadTimer: ReturnType<typeof setTimeout> | undefined;

  load(): Promise<void> {
    return this.list.load();
  }

  filter(filters: CertificateFilters): void {
    this.filters = filters;
    this.offset = 0;
    void this.load();
  }

  goTo(offset: number): void {
    this.offset = offset;
    void this.load();
  }

  apply(certificate: CertificateView): void {
    const shown = this.list.value?.certificates.some((held) => held.id === certificate.id);
    if (shown) this.#replace(certificate);
    else this.reloadSoon();
  }

  reloadSoon(): void {
    clearTimeout(this.#reloadTimer);
    this.#reloadTimer = setTimeout(() => void this.load(), 400);
  }

  async revoke(certificate: CertificateView, reason: string): Promise<CertificateView> {
    return this.#act(certificate, () => revokeCertificate(certificate.id, reason));
  }

  /** The new certificate; the old one becomes `replaced` (its event updates its row). */
  async reissue(certificate: CertificateView, body: { templateId?: string; reason?: string }): Promise<CertificateView> {
    const fresh = await this.#act(certificate, () => reissueCertificate(certificate.id, body));
    this.reloadSoon();
    return fresh;
  }

  dispose(): void {
    clearTimeout(this.#reloadTimer);
  }

  async #act(certificate: CertificateView, action: () => Promise<CertificateView>): Promise<CertificateView> {
    this.busy[certificate.id] = true;
    try {
      const answer = await action();
      this.#replace(answer);
      return answer;
    } finally {
      delete this.busy[certificate.id];
    }
  }

  #replace(certificate: CertificateView): void {
    this.list.update((page) => ({ ...page, certificates: page.certificates.map((held) => (held.id === certificate.id ? certificate : held)) }));
  }
}

/** What staff pick from when filtering and issuing: published courses, cohorts, templates. */
export class CertificateChoices {
  courses = $state<CourseDto[]>([]);
  cohorts = $state<CohortDto[]>([]);
  templates = $state<CertificateTemplateView[]>([]);
  readonly defaultTemplate = $derived(this.templates.find((template) => template.isDefault) ?? null);

  async load(): Promise<void> {
    const [courses, cohorts, templates] = await Promise.all([listCatalogue({ limit: 100 }), listCohorts({ limit: 200 }), listCertificateTemplates()]);
    this.courses = courses.courses;
    this.cohorts = cohorts.cohorts;
    this.templates = templates.templates;
  }
}
