import { getCertification, requestCertification, type CertificateView, type CertificationState } from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';

/**
 * One learner's certification of one course: what still stands in the way, Get Certified, the
 * wait while the job issues it, and the certificate arriving (`certification.updated`,
 * `certificate.updated`) without a reload.
 *
 * @example const certification = new CourseCertification(courseId, () => session.user?.id);
 *          await certification.load(); await certification.getCertified();
 */
export class CourseCertification {
  readonly courseId: string;
  readonly state: Snapshot<CertificationState>;
  /** The POST is in flight (the wait for the job afterwards is `state.pending`). */
  requesting = $state(false);
  #userId: () => string | undefined;
  #reloadTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(courseId: string, userId: () => string | undefined) {
    this.courseId = courseId;
    this.#userId = userId;
    this.state = new Snapshot((signal) => getCertification(this.courseId, signal));
  }

  load(): Promise<void> {
    return this.state.load();
  }

  /** Asks for the certificate; the server answers at once and a job issues it. */
  async getCertified(): Promise<void> {
    this.requesting = true;
    try {
      const answer = await requestCertification(this.courseId);
      // The certificate may already have arrived by event while the answer travelled.
      if (!this.state.value?.certificate || answer.certificate) this.state.value = answer;
    } finally {
      this.requesting = false;
    }
  }

  /** A `certification.updated` event: the state the server now holds for this learner and course. */
  applyState(state: CertificationState, memberId: string): void {
    if (memberId !== this.#userId() || state.courseId !== this.courseId) return;
    this.state.value = state;
  }

  /** A `certificate.updated` event: ours for this course arriving, or being revoked or replaced. */
  applyCertificate(certificate: CertificateView): void {
    if (certificate.memberId !== this.#userId() || certificate.courseId !== this.courseId) return;
    const held = this.state.value;
    if (certificate.status === 'valid' || certificate.status === 'expired') {
      if (held) this.state.value = { ...held, pending: false, eligible: false, certificate };
      else this.#reloadSoon();
      return;
    }
    // Revoked or replaced: whether a newer one exists, and whether the learner may ask again,
    // is the server's to say.
    if (!held?.certificate || held.certificate.id === certificate.id) this.#reloadSoon();
  }

  /** Progress moved (a lesson, a quiz): the blockers may have changed. */
  applyProgress(courseId: string, userId: string): void {
    if (courseId === this.courseId && userId === this.#userId()) this.#reloadSoon();
  }

  dispose(): void {
    clearTimeout(this.#reloadTimer);
  }

  #reloadSoon(): void {
    clearTimeout(this.#reloadTimer);
    this.#reloadTimer = setTimeout(() => void this.load(), 200);
  }
}
