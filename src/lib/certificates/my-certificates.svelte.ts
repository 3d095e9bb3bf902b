import { listMyCertificates, type CertificateView } from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';

/** Newest first: the one people look for is the one they just earned. */
const byIssuedDesc = (a: CertificateView, b: CertificateView) => b.issuedAt.localeCompare(a.issuedAt);

/**
 * The signed-in learner's certificates, kept current by `certificate.updated` (a new one
 * arriving, a revocation, a reissue replacing an old one).
 *
 * @example const mine = new MyCertificates(() => session.user?.id);
 *          connection.on('certificate.updated', ({ certificate }) => mine.apply(certificate));
 */
export class MyCertificates {
  readonly list = new Snapshot<{ certificates: CertificateView[] }>((signal) => listMyCertificates(signal));
  readonly certificates: CertificateView[] = $derived([...(this.list.value?.certificates ?? [])].sort(byIssuedDesc));
  #userId: () => string | undefined;

  constructor(userId: () => string | undefined) {
    this.#userId = userId;
  }

  load(): Promise<void> {
    return this.list.load();
  }

  apply(certificate: CertificateView): void {
    if (certificate.memberId !== this.#userId()) return;
    this.list.update((value) => {
      const known = value.certificates.some((held) => held.id === certificate.id);
      return {
        certificates: known ? value.certificates.map((held) => (held.id === certificate.id ? certificate : held)) : [...value.certificates, certificate],
      };
    });
  }
}
