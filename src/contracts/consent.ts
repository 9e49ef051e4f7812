// Room purpose and participant consent. A room declares what it is for; the configured policy decides
// whether that purpose may be analysed at all. Each participant then consents (or not) on the meeting page
// before any of their media reaches the analyzer; withdrawing stops their analysis at once.
import { z } from 'zod';

/** workplace and education are declarable so that the policy can refuse them (EU AI Act Art. 5(1)(f)). */
export const ROOM_PURPOSES = ['streaming', 'telehealth', 'research', 'other', 'workplace', 'education'] as const;
export type RoomPurpose = (typeof ROOM_PURPOSES)[number];
export const RoomPurposeSchema = z.enum(ROOM_PURPOSES);

/** PUT /api/rooms/:room (admin): declare the room's purpose. */
export const RoomSettingsSchema = z
  .object({
    purpose: RoomPurposeSchema,
    /** Required with workplace/education: the analysis is for medical or safety reasons (the Art. 5(1)(f) exception). */
    medicalOrSafety: z.boolean().default(false),
  })
  .strict();
export type RoomSettings = z.output<typeof RoomSettingsSchema>;

export interface RoomInfo {
  room: string;
  purpose: RoomPurpose;
  medicalOrSafety: boolean;
  /** False when the policy refuses this purpose: nobody in the room is analysed or recorded. */
  analysisAllowed: boolean;
  /** Why analysis is refused, when it is. */
  refusedBecause?: string;
}

/** What the meeting page shows before asking for consent (all text comes from the server). */
export interface ConsentInfo {
  room: string;
  purpose: RoomPurpose;
  analysisAllowed: boolean;
  refusedBecause?: string;
  text: {
    /** What is analysed (faces: expressions, valence/arousal, action units; never identity). */
    analysed: string;
    /** What is stored (numbers per face per frame, markers, alerts; never video or audio). */
    stored: string;
    /** How long it is kept (from the retention setting). */
    retention: string;
    /** Who sees it (overlay viewers, dashboard holders). */
    audience: string;
  };
  /** This participant's current answer: undefined until they answer. */
  granted?: boolean;
}

/** /sfu request `consent`: grant or withdraw (before or after join). */
export const ConsentRequestSchema = z.object({ granted: z.boolean() }).strict();
export type ConsentRequest = z.input<typeof ConsentRequestSchema>;

export interface ConsentState {
  granted: boolean;
  /** ISO 8601, when the server recorded the answer. */
  at: string;
}
