// The shared test harness: an App per test, headless Chromium with fake media, test media, process checks.
export * from './artifacts.js';
export * from './browser.js';
export * from './media.js';
export * from './processes.js';
export * from './testApp.js';
export * from './until.js';
export * from './sfuServer.js';
export * from './rtpPublisher.js';
export * from './serveProcess.js';
export * from './consent.js';
export * from './redisServer.js';
