import type { CertificateRequestDto, CertificateRequestListDto } from '$server/modules/scheduling/dto.ts';
import { listMyCertificateRequests } from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';

/**
 * Replaces or adds one request in a list, unless the list already holds a newer version of it.
 * @example list = upsertRequest(list, event)
 */
export function upsertRequest(requests: CertificateRequestDto[], request: CertificateRequestDto): CertificateRequestDto[] {
  const known = requests.find((r) => r.id === request.id);
  if (!known) return [...requests, request];
  if (known.updatedAt > request.updatedAt) return requests;
  return requests.map((r) => (r.id === request.id ? request : r));
}

const byStart = (a: CertificateRequestDto, b: CertificateRequestDto) => Date.parse(a.startsAt) - Date.parse(b.startsAt);

/** The signed-in learner's certificate requests, split into what is coming and what is done. */
export class MyEvaluations {
  readonly list = new Snapshot<CertificateRequestListDto>((signal) => listMyCertificateRequests(signal));
  /** Pending requests, soonest first. */
  upcoming = $derived((this.list.value?.requests ?? []).filter((r) => r.status === 'pending').sort(byStart));
  /** Completed and cancelled requests, latest first. */
  past = $derived((this.list.value?.requests ?? []).filter((r) => r.status !== 'pending').sort((a, b) => byStart(b, a)));

  load(): Promise<void> {
    return this.list.load();
  }

  applyRequest(request: CertificateRequestDto, userId: string | undefined): void {
    if (request.memberId !== userId) return;
    this.list.update((value) => ({ requests: upsertRequest(value.requests, request) }));
  }
}
