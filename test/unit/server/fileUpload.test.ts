// FileUpload's own rules, with a StreamAnalyzer that records what it was given (the networks are covered by
// the dashboard-file e2e test): frames reassembled from parts byte for byte, audio fed causally (a frame at
// media time t sees the samples before t, none after), and one event per frame on the recording's clock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AffectEvent } from '../../../src/contracts/affect.js';
import type { LogMelWindow } from '../../../src/analyzer/audio/LogMelWindow.js';
import type { AnalysisProfile, StreamContext } from '../../../src/analyzer/profiles/AnalysisProfile.js';
import type { VideoFrame } from '../../../src/analyzer/media/frames.js';
import { FileUpload } from '../../../src/server/fileAnalysis/FileUpload.js';

function recordingProfile(audioWindowMs: number) {
  const seen: Array<{ t: number | undefined; samples: number; bytes: Uint8Array }> = [];
  let window: () => LogMelWindow = () => {
    throw new Error('no context yet');
  };
  const profile: AnalysisProfile = {
    name: 'avmt',
    model: { id: 'test', version: '1' },
    audioWindowMs,
    createStreamAnalyzer: (context: StreamContext) => {
      window = context.audio;
      const analyzeDetailed = async (frame: VideoFrame) => {
        seen.push({ t: frame.mediaTimeMs, samples: audioWindowMs > 0 ? window().samplesSeen : 0, bytes: frame.data.slice() });
        return { faces: [], lostFaceIds: [], detected: true, timings: { detect: 0, mesh: 0, expression: 0, total: 0 } };
      };
      return { analyzeDetailed, analyze: async (frame: VideoFrame) => (await analyzeDetailed(frame)).faces, close: () => undefined };
    },
    close: async () => undefined,
  };
  return { profile, seen };
}

const identity = { uploadId: 'abcdefgh', roomId: 'r', peerId: 'file:abcdefgh', producerId: 'file:abcdefgh' };
const settings = (audio: boolean) => ({ uploadId: 'abcdefgh', fps: 10, maxSide: 64, audio, maxFrames: 10 });
const pcm = (samples: number) => new Uint8Array(samples * 2);

describe('FileUpload', { timeout: 10_000 }, () => {
  it('reassembles a frame from its parts exactly and publishes one event on the recording clock', async () => {
    const { profile, seen } = recordingProfile(0);
    const events: AffectEvent[] = [];
    const upload = new FileUpload(identity, profile, settings(false), 1000, (e) => events.push(e));
    const pixels = Uint8Array.from({ length: 32 * 16 * 3 }, (_, i) => (i * 7) % 251);
    const parts = [pixels.subarray(0, 500), pixels.subarray(500, 1000), pixels.subarray(1000)];
    for (const [part, data] of parts.entries()) {
      const faces = await upload.frame({ index: 0, t: 0, width: 32, height: 16, part, parts: 3, data });
      assert.equal(faces, part < 2 ? null : 0);
    }
    assert.deepEqual(seen[0]!.bytes, pixels);
    await upload.frame({ index: 1, t: 100, width: 32, height: 16, part: 0, parts: 1, data: pixels });
    assert.equal(events.length, 2);
    assert.equal(events[1]!.capturedAt - events[0]!.capturedAt, 100);
    await assert.rejects(upload.frame({ index: 3, t: 300, width: 32, height: 16, part: 0, parts: 1, data: pixels }), /expected frame 2/);
    await assert.rejects(upload.frame({ index: 2, t: 50, width: 32, height: 16, part: 0, parts: 1, data: pixels }), /in order/);
    upload.close();
    upload.close();
    await assert.rejects(upload.frame({ index: 2, t: 200, width: 32, height: 16, part: 0, parts: 1, data: pixels }), /ended/);
  });

  it('feeds audio causally: a frame at t sees exactly the samples before t', async () => {
    const { profile, seen } = recordingProfile(1000);
    const upload = new FileUpload(identity, profile, settings(true), 1000, () => undefined);
    // 250 ms, then 250 ms of audio (16 samples per ms), all sent before the frames
    assert.equal(upload.audio(0, pcm(4000)), 4000);
    upload.audio(250, pcm(4000));
    assert.throws(() => upload.audio(600, pcm(16)), /without gaps/);
    const frame = (index: number, t: number) => upload.frame({ index, t, width: 16, height: 16, part: 0, parts: 1, data: new Uint8Array(16 * 16 * 3) });
    await frame(0, 0);
    await frame(1, 100);
    await frame(2, 300);
    await frame(3, 700);
    assert.deepEqual(seen.map((s) => s.samples), [0, 1600, 4800, 8000]);
    upload.close();
  });
});
