/** The largest cover, as a data URL, the browser sends (the server takes up to 2,000,000 characters). */
export const MAX_COVER_CHARS = 1_500_000;
const ACCEPTED = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];
/** Covers show at most this wide; bigger pictures are scaled down before upload. */
const MAX_WIDTH = 1600;

function readAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('Could not read the file'));
    reader.readAsDataURL(file);
  });
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('Not a picture the browser can read'));
    image.src = src;
  });
}

/**
 * A picked file as a cover data URL under `MAX_COVER_CHARS`: as it is when small enough, else
 * scaled down and re-encoded as JPEG at falling quality until it fits. Throws a sentence to show.
 * @example cover = await coverFromFile(input.files[0]);
 */
export async function coverFromFile(file: File): Promise<string> {
  if (!ACCEPTED.includes(file.type)) throw new Error('Choose a PNG, JPEG, WebP or GIF picture.');
  const original = await readAsDataUrl(file);
  if (original.length <= MAX_COVER_CHARS) return original;

  const image = await loadImage(original);
  for (const [width, quality] of [
    [MAX_WIDTH, 0.85],
    [MAX_WIDTH, 0.7],
    [1200, 0.7],
    [960, 0.6],
  ] as const) {
    const scale = Math.min(1, width / image.naturalWidth);
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(image.naturalWidth * scale);
    canvas.height = Math.round(image.naturalHeight * scale);
    const context = canvas.getContext('2d');
    if (!context) break;
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const smaller = canvas.toDataURL('image/jpeg', quality);
    if (smaller.length <= MAX_COVER_CHARS) return smaller;
  }
  throw new Error('This picture is too large even when scaled down. Choose one under 1.5 MB.');
}
