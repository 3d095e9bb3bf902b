/** How a lesson's video is shown: a provider's player in an iframe, or the file in a <video>. */
export type VideoEmbed = { kind: 'iframe'; src: string; provider: 'YouTube' | 'Vimeo' } | { kind: 'file'; src: string };

const youtubeId = /^[\w-]{11}$/;

/**
 * The embeddable form of a video URL: YouTube and Vimeo pages become their players' embed URLs
 * (YouTube's privacy-enhanced domain); anything else is played as a file.
 * @example videoEmbed('https://youtu.be/dQw4w9WgXcQ') // { kind: 'iframe', src: 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ', provider: 'YouTube' }
 */
export function videoEmbed(url: string): VideoEmbed {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'file', src: url };
  }
  const host = parsed.hostname.replace(/^(www|m)\./, '');
  const path = parsed.pathname.split('/').filter(Boolean);

  let id: string | undefined;
  if (host === 'youtu.be') id = path[0];
  else if (host === 'youtube.com' || host === 'youtube-nocookie.com') {
    id = path[0] === 'watch' ? (parsed.searchParams.get('v') ?? undefined) : ['embed', 'shorts', 'live', 'v'].includes(path[0] ?? '') ? path[1] : undefined;
  }
  if (id && youtubeId.test(id)) {
    const start = Number.parseInt(parsed.searchParams.get('t') ?? parsed.searchParams.get('start') ?? '', 10);
    const query = Number.isFinite(start) && start > 0 ? `?start=${start}` : '';
    return { kind: 'iframe', provider: 'YouTube', src: `https://www.youtube-nocookie.com/embed/${id}${query}` };
  }

  if (host === 'vimeo.com' || host === 'player.vimeo.com') {
    // vimeo.com/123, vimeo.com/channels/x/123, player.vimeo.com/video/123; unlisted: vimeo.com/123/abcdef.
    const index = path.findIndex((part) => /^\d+$/.test(part));
    if (index >= 0) {
      const hash = path[index + 1] && /^[\da-f]+$/i.test(path[index + 1]) ? `?h=${path[index + 1]}` : (parsed.searchParams.get('h') ? `?h=${parsed.searchParams.get('h')}` : '');
      return { kind: 'iframe', provider: 'Vimeo', src: `https://player.vimeo.com/video/${path[index]}${hash}` };
    }
  }
  return { kind: 'file', src: url };
}
