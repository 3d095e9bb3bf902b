/**
 * A search box's text, applied 250 ms after typing stops, or at once when the form is submitted.
 * @example const search = new DebouncedSearch((text) => users.filter({ search: text }));
 *          <input bind:value={search.text} oninput={search.input} />
 */
export class DebouncedSearch {
  text = $state('');
  #apply: (text: string) => void;
  #delayMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(apply: (text: string) => void, delayMs = 250) {
    this.#apply = apply;
    this.#delayMs = delayMs;
  }

  input = (): void => {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#apply(this.text), this.#delayMs);
  };

  submit = (event: SubmitEvent): void => {
    event.preventDefault();
    clearTimeout(this.#timer);
    this.#apply(this.text);
  };

  dispose(): void {
    clearTimeout(this.#timer);
  }
}
