// The meeting page /room/:name?token=…[&name=…]: your camera and microphone go to the room (and to the
// analyzer), every other participant's video and audio come back. State for tests and debugging is on
// window.affectcastMeeting.
import type { PeerInfo } from '../../contracts/sfu.js';
import { readPageParams } from '../shared/pageParams.js';
import { ConsentGate } from './ConsentGate.js';
import { MeetingClient, type RemoteTrack } from './MeetingClient.js';
import type { MeetingError, MeetingPageState, MeetingStatus, MeetingWindow } from './pageState.js';
import { probeVideo } from './videoProbe.js';

declare global {
  interface Window extends MeetingWindow {}
}

const NAME_KEY = 'affectcast.displayName';
const STATUS_TEXT: Record<MeetingStatus, string> = {
  connecting: 'Connecting…',
  joining: 'Joining…',
  joined: 'In the room',
  left: 'You left the room',
  disconnected: 'Disconnected — reconnecting…',
  refused: 'Not admitted',
};
const REFUSAL_TEXT: Record<string, string> = {
  UNAUTHORIZED: 'This meeting link is invalid or has expired. Ask the host for a new link.',
  FORBIDDEN: 'This link does not grant access to this room. Ask the host for the right link.',
};

function el<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
}

function defaultName(fromUrl: string | null): string {
  const stored = (() => {
    try {
      return localStorage.getItem(NAME_KEY);
    } catch {
      return null;
    }
  })();
  return (fromUrl ?? stored ?? '').trim().slice(0, 64) || `guest-${Math.random().toString(16).slice(2, 6)}`;
}

/** Counts presented frames of a <video> until it is detached. */
function countFrames(video: HTMLVideoElement, onFrame: (meta: VideoFrameCallbackMetadata) => void): void {
  const step = (_now: number, meta: VideoFrameCallbackMetadata) => {
    if (!video.isConnected && video.srcObject === null) return;
    onFrame(meta);
    video.requestVideoFrameCallback(step);
  };
  video.requestVideoFrameCallback(step);
}

function main(): void {
  const params = readPageParams(location);
  const query = new URLSearchParams(location.search);
  const statusEl = el<HTMLSpanElement>('status');
  const errorEl = el<HTMLParagraphElement>('error');
  const grid = el<HTMLElement>('grid');
  const localVideo = el<HTMLVideoElement>('local-video');
  const nameInput = el<HTMLInputElement>('display-name');
  const nameForm = el<HTMLFormElement>('name-form');
  const leaveButton = el<HTMLButtonElement>('leave');
  el<HTMLSpanElement>('room-name').textContent = params.room || '(no room)';

  const displayName = defaultName(query.get('name'));
  nameInput.value = displayName;
  const remoteTiles = new Map<string, { tile: HTMLElement; video: HTMLVideoElement; audio: HTMLAudioElement; caption: HTMLElement }>();

  const state: MeetingPageState = {
    status: 'connecting',
    joined: false,
    roomId: params.room,
    peerId: null,
    displayName,
    publishing: { video: null, audio: null },
    local: { frames: 0 },
    remote: {},
    consent: { info: null, granted: null, at: null, shown: false },
    lastError: null,
    notices: [],
    errors: [],
    marks: {},
    probe: (peerId) => {
      const video = peerId === undefined ? localVideo : remoteTiles.get(peerId)?.video;
      return video ? probeVideo(video) : null;
    },
    leave: () => client.leave(),
    join: () => client.join(),
    setCamera: (constraints) => client.setCameraConstraints(constraints),
  };
  window.affectcastMeeting = state;
  const mark = (name: string) => (state.marks[name] ??= Math.round(performance.now()));

  const showError = (error: MeetingError) => {
    state.lastError = error;
    state.errors.push(error);
    errorEl.textContent = REFUSAL_TEXT[error.code] ?? error.message;
    errorEl.hidden = false;
  };

  if (!params.token || !params.room) {
    state.status = 'refused';
    statusEl.textContent = STATUS_TEXT.refused;
    showError({ code: 'UNAUTHORIZED', message: 'This page needs a room and a token in its link.' });
    return;
  }

  const videoCodec = query.get('videoCodec'); // e.g. "h264" (publishing only; the default is the router's VP8)
  const client = new MeetingClient({
    token: params.token,
    room: params.room,
    displayName,
    audioProcessing: query.get('audioProcessing') === '1',
    videoCodec: videoCodec ? `video/${videoCodec}` : undefined,
  });

  const tileFor = (peerId: string, name: string) => {
    let entry = remoteTiles.get(peerId);
    if (entry) return entry;
    const tile = document.createElement('figure');
    tile.className = 'tile remote';
    tile.dataset.peerId = peerId;
    const video = document.createElement('video');
    video.autoplay = true;
    video.muted = true; // sound comes from the <audio> element; a muted <video> may autoplay anywhere
    video.playsInline = true;
    const audio = document.createElement('audio');
    audio.autoplay = true;
    const caption = document.createElement('figcaption');
    caption.textContent = name;
    tile.append(video, audio, caption);
    grid.append(tile);
    entry = { tile, video, audio, caption };
    remoteTiles.set(peerId, entry);
    state.remote[peerId] = { displayName: name, video: false, audio: false, frames: 0, width: 0, height: 0 };
    return entry;
  };

  const removeTile = (peerId: string) => {
    const entry = remoteTiles.get(peerId);
    if (!entry) return;
    entry.video.srcObject = null;
    entry.audio.srcObject = null;
    entry.tile.remove();
    remoteTiles.delete(peerId);
    delete state.remote[peerId];
  };

  client.on('status', (status) => {
    state.status = status;
    state.joined = status === 'joined';
    statusEl.textContent = STATUS_TEXT[status];
    leaveButton.textContent = status === 'left' ? 'Join' : 'Leave';
    leaveButton.disabled = status === 'refused';
    grid.hidden = status === 'refused';
    if (status !== 'joined') {
      state.peerId = null;
      for (const peerId of [...remoteTiles.keys()]) removeTile(peerId);
    }
    if (status === 'joined') errorEl.hidden = true;
  });
  client.on('joined', ({ peerId }) => {
    mark('joined');
    state.peerId = peerId;
  });
  client.on('error', showError);
  client.on('notice', (notice) => {
    state.notices.push(notice.code);
    errorEl.textContent = notice.message;
    errorEl.hidden = false;
  });
  client.on('localstream', (stream) => {
    mark('localstream');
    localVideo.srcObject = stream;
    countFrames(localVideo, () => state.local.frames++);
  });
  client.on('published', (producers) => {
    mark('published');
    state.publishing = producers;
  });
  client.on('peerjoined', (peer: PeerInfo) => {
    tileFor(peer.peerId, peer.displayName);
  });
  client.on('peerleft', removeTile);
  client.on('track', ({ peerId, kind, track }: RemoteTrack) => {
    const entry = tileFor(peerId, state.remote[peerId]?.displayName ?? 'guest');
    const remote = state.remote[peerId];
    if (!remote) return;
    if (kind === 'video') {
      entry.video.srcObject = new MediaStream([track]);
      remote.video = true;
      remote.frames = 0;
      countFrames(entry.video, (meta) => {
        const current = state.remote[peerId];
        if (!current) return;
        mark('firstRemoteFrame');
        current.frames++;
        current.width = meta.width;
        current.height = meta.height;
      });
    } else {
      entry.audio.srcObject = new MediaStream([track]);
      remote.audio = true;
    }
  });
  client.on('trackended', ({ peerId, kind }) => {
    const entry = remoteTiles.get(peerId);
    const remote = state.remote[peerId];
    if (!entry || !remote) return;
    if (kind === 'video') {
      entry.video.srcObject = null;
      remote.video = false;
    } else {
      entry.audio.srcObject = null;
      remote.audio = false;
    }
  });

  nameForm.addEventListener('submit', (event) => {
    event.preventDefault();
    nameInput.blur();
  });
  nameInput.addEventListener('change', () => {
    const name = nameInput.value.trim().slice(0, 64);
    if (!name || name === state.displayName) return;
    state.displayName = name;
    try {
      localStorage.setItem(NAME_KEY, name);
    } catch {
      // private mode: the name just isn't remembered
    }
    void client.rename(name);
  });
  leaveButton.addEventListener('click', () => {
    void (client.status === 'left' ? client.join() : client.leave());
  });

  new ConsentGate(client, state.consent);
  client.start();
}

main();
