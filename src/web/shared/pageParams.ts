// Every page is opened with its token (and room) in the query string, exactly as `serve` printed it.
export interface PageParams {
  token: string;
  room: string;
}

export function readPageParams(location: Location): PageParams {
  const q = new URLSearchParams(location.search);
  const fromPath = /^\/room\/([A-Za-z0-9_-]{1,64})$/.exec(location.pathname)?.[1];
  return { token: q.get('token') ?? '', room: fromPath ?? q.get('room') ?? '' };
}
