import type { MailboxDto, MailSummaryDto } from '$server/mail/dto.ts';
import { listMail } from '$lib/api/client';
import { Snapshot } from '$lib/snapshot.svelte';

/**
 * The staff mailbox: one page of recorded messages, newest first, with new ones from
 * `mail.recorded` slotted in live when they belong on the page being looked at.
 */
export class Mailbox {
  to = $state('');
  offset = $state(0);
  readonly limit: number;
  readonly list: Snapshot<MailboxDto>;

  constructor(limit = 25) {
    this.limit = limit;
    this.list = new Snapshot((signal) => listMail({ to: this.to.trim() || undefined, limit: this.limit, offset: this.offset }, signal));
  }

  load(): Promise<void> {
    return this.list.load();
  }

  filter(to: string): void {
    this.to = to;
    this.offset = 0;
    void this.load();
  }

  goTo(offset: number): void {
    this.offset = offset;
    void this.load();
  }

  /** A message was recorded or its status changed (pending → sent). */
  applyEvent(message: MailSummaryDto): void {
    this.list.update((box) => {
      if (box.messages.some((m) => m.id === message.id)) {
        return { ...box, messages: box.messages.map((m) => (m.id === message.id ? message : m)) };
      }
      if (!this.#matchesFilter(message)) return box;
      // Only the first page shows the newest messages; later pages just count one more.
      const messages = this.offset === 0 ? [message, ...box.messages].slice(0, this.limit) : box.messages;
      return { ...box, messages, total: box.total + 1 };
    });
  }

  #matchesFilter(message: MailSummaryDto): boolean {
    const to = this.to.trim().toLowerCase();
    return !to || message.to.toLowerCase().includes(to);
  }
}
