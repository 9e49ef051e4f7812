// The RTP publisher is product code (the bench uses it too): one copy, in src/bench.
export { startRtpPublisher, type RtpPublisher, type RtpPublisherOptions } from '../../src/bench/rtpPublisher.js';
