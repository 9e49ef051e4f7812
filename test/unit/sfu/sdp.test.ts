// The SDP a decoder reads and the ffmpeg command lines.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDecoderSdp } from '../../../src/analyzer/decode/sdp.js';
import { decoderArgs, scaleFilter, sdpInputArgs, selectFilter } from '../../../src/analyzer/decode/ffmpegArgs.js';

describe('buildDecoderSdp', () => {
  it('describes a VP8 stream (sender hints dropped)', () => {
    const sdp = buildDecoderSdp({ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } }, 50002, '127.0.0.1');
    assert.equal(
      sdp,
      [
        'v=0',
        'o=- 0 0 IN IP4 127.0.0.1',
        's=affectcast-decoder',
        'c=IN IP4 127.0.0.1',
        't=0 0',
        'm=video 50002 RTP/AVP 101',
        'a=rtpmap:101 VP8/90000',
        'a=recvonly',
        '',
      ].join('\n'),
    );
  });

  it('carries H.264 fmtp parameters', () => {
    const sdp = buildDecoderSdp(
      {
        mimeType: 'video/H264',
        payloadType: 103,
        clockRate: 90000,
        parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
      },
      50004,
      '127.0.0.1',
    );
    assert.match(sdp, /^m=video 50004 RTP\/AVP 103$/m);
    assert.match(sdp, /^a=rtpmap:103 H264\/90000$/m);
    assert.match(sdp, /^a=fmtp:103 packetization-mode=1;profile-level-id=42e01f;level-asymmetry-allowed=1$/m);
  });

  it('describes Opus with its channel count and parameters', () => {
    const sdp = buildDecoderSdp({ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1, minptime: 10 } }, 50006, '127.0.0.1');
    assert.match(sdp, /^m=audio 50006 RTP\/AVP 100$/m);
    assert.match(sdp, /^a=rtpmap:100 opus\/48000\/2$/m);
    assert.match(sdp, /^a=fmtp:100 useinbandfec=1;minptime=10$/m);
  });

  it('carries the SRTP key as an SDES crypto line (RFC 4568) and refuses a malformed key', () => {
    const keyBase64 = Buffer.alloc(30, 7).toString('base64');
    const sdp = buildDecoderSdp({ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }, 50002, '127.0.0.1', {
      cryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
      keyBase64,
    });
    assert.match(sdp, new RegExp(`^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${keyBase64.replace(/[+/]/g, '\\$&')}$`, 'm'));
    assert.throws(() =>
      buildDecoderSdp({ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }, 50002, '127.0.0.1', {
        cryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
        keyBase64: 'short',
      }),
    );
  });

  it('rejects what ffmpeg could not use', () => {
    assert.throws(() => buildDecoderSdp({ mimeType: 'VP8', payloadType: 101, clockRate: 90000 }, 50002, '127.0.0.1'));
    assert.throws(() => buildDecoderSdp({ mimeType: 'video/VP8', payloadType: 200, clockRate: 90000 }, 50002, '127.0.0.1'));
    assert.throws(() => buildDecoderSdp({ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }, 70000, '127.0.0.1'));
  });
});

describe('decoder command line', () => {
  it('decimates with select (never the fps filter) and scales to fit maxSide with even sides', () => {
    assert.equal(selectFilter(10), "select='isnan(prev_selected_t)+gte(floor(t*10)-floor(prev_selected_t*10)\\,1)'");
    assert.equal(selectFilter(2.5), "select='isnan(prev_selected_t)+gte(floor(t*2.5)-floor(prev_selected_t*2.5)\\,1)'");
    assert.equal(scaleFilter(640), "scale=w='if(gte(iw,ih),trunc(min(iw,640)/2)*2,-2)':h='if(gte(iw,ih),-2,trunc(min(ih,640)/2)*2)'");
    assert.throws(() => selectFilter(0));
    const video = decoderArgs('video', { fps: 10, maxSide: 640 }, sdpInputArgs('127.0.0.1'));
    const vf = video[video.indexOf('-vf') + 1] ?? '';
    assert.doesNotMatch(vf, /(^|,)fps=/);
    assert.match(vf, /showinfo=checksum=0$/);
    const input = video.indexOf('-i');
    // -threads 1 must be an output option (after -i): the rawvideo encoder would otherwise hold a frame back
    assert.ok(video.lastIndexOf('-threads') > input);
    assert.equal(video[video.indexOf('-localaddr') + 1], '127.0.0.1', 'the sockets bind the tap address only');
    for (const flag of ['-localaddr', '-listen_timeout', '-flags', '-probesize', '-analyzeduration', '-reorder_queue_size', '-protocol_whitelist']) {
      assert.ok(video.indexOf(flag) !== -1 && video.indexOf(flag) < input, `${flag} is an input option`);
    }
    for (const flag of ['-autoscale', '-fps_mode', '-flush_packets']) assert.ok(video.indexOf(flag) > input, `${flag} is an output option`);
    assert.equal(video[video.indexOf('-fps_mode') + 1], 'passthrough');
    assert.equal(video[video.indexOf('-autoscale') + 1], '0');
    assert.deepEqual(video.slice(-3), ['-f', 'rawvideo', 'pipe:1']);
    assert.doesNotMatch(video.join(' '), /nobuffer/);
    const audio = decoderArgs('audio', { fps: 10, maxSide: 640 }, sdpInputArgs('127.0.0.1'));
    assert.deepEqual(audio.slice(audio.indexOf('-i') + 2), ['-map', '0:a:0', '-ac', '1', '-ar', '16000', '-threads', '1', '-flush_packets', '1', '-f', 's16le', 'pipe:1']);
  });
});
