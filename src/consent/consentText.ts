// The text a participant reads before consenting. It states what the server actually does; keep it in step
// with the analyzer (what is computed), the store (what is kept) and the roles (who can see it).
import type { ConsentInfo, RoomPurpose } from '../contracts/consent.js';

export function consentText(purpose: RoomPurpose, retentionDays: number): ConsentInfo['text'] {
  const days = retentionDays === 1 ? '1 day' : `${retentionDays} days`;
  return {
    analysed:
      `This room's declared purpose is "${purpose}". While you consent, your camera video is analysed on this server, ` +
      'frame by frame: faces are found and, for each face, facial-expression probabilities, valence and arousal ' +
      '(how pleasant and how activated the expression looks) and facial action units are estimated. These are ' +
      'estimates of visible expression, not of what you feel, and nobody is identified. Your microphone audio is ' +
      'used only by analysis profiles that read voice, and only for the same estimates.',
    stored:
      'The numbers above are recorded with your display name and the time, together with markers and alerts ' +
      'added by the host, and your consent answers. No video frame, image or audio is ever stored.',
    retention:
      retentionDays === 0
        ? 'Recordings are deleted as soon as the session ends.'
        : `Recordings are deleted ${days} after their session ends.`,
    audience:
      'People holding this room\'s dashboard link (the host or researcher) see the values live and can export the ' +
      'recording; people holding an overlay link (e.g. a stream) see the live values only. You can withdraw your ' +
      'consent at any time: analysis of your video stops at once, and the withdrawal is recorded.',
  };
}
