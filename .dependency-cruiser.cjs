// The directions between the rooms of src/ (README, "How it works"), checked on every test run
// (scripts/test.sh runs `depcruise` first; a violation fails the run). One rule per forbidden direction.
// Paths are relative to the directory depcruise runs in (the repository root).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'analyzer-not-to-sfu-overlay-server',
      comment: 'The analyzer receives taps from a TapSource and publishes to an AffectSink (src/contracts); it never sees the SFU, the overlay or the HTTP layer.',
      severity: 'error',
      from: { path: '^src/analyzer/' },
      to: { path: '^src/(sfu|overlay|server)/' },
    },
    {
      name: 'sfu-not-to-analyzer-overlay',
      comment: 'The SFU offers taps (src/contracts/taps.ts) and knows nothing of who analyses or displays them.',
      severity: 'error',
      from: { path: '^src/sfu/' },
      to: { path: '^src/(analyzer|overlay)/' },
    },
    {
      name: 'overlay-not-to-analyzer-sfu',
      comment: 'The overlay hub is an AffectSink; it knows neither the analyzer nor the SFU.',
      severity: 'error',
      from: { path: '^src/overlay/' },
      to: { path: '^src/(analyzer|sfu)/' },
    },
    {
      name: 'inference-not-to-analyzer',
      comment: 'Runners serve the analyzer, never the other way round.',
      severity: 'error',
      from: { path: '^src/inference/' },
      to: { path: '^src/analyzer/' },
    },
    {
      name: 'contracts-not-to-other-folders',
      comment: 'Contracts are shared with the browser and between rooms: types, schemas and interfaces only, importing nothing of src/ but themselves.',
      severity: 'error',
      from: { path: '^src/contracts/' },
      to: { path: '^src/', pathNot: '^src/contracts/' },
    },
    {
      name: 'web-not-to-server-code',
      comment: 'Browser pages share contracts with the server and nothing else.',
      severity: 'error',
      from: { path: '^src/web/' },
      to: { path: '^src/', pathNot: '^src/(web|contracts)/' },
    },
    {
      name: 'media-path-not-to-server',
      comment: 'Nothing of the media path imports the HTTP layer (the analyzer has its own rule above): shared socket middleware lives in src/auth.',
      severity: 'error',
      from: { path: '^src/(sfu|overlay|inference|store|consent|alerts|auth|cluster)/' },
      to: { path: '^src/server/' },
    },
    {
      name: 'nothing-below-the-composition-root-imports-it',
      comment: 'src/app builds and wires every part and attaches metrics from outside; only the CLI and the bench (which runs a whole server) start it.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(app|cli|bench)/' },
      to: { path: '^src/app/' },
    },
    {
      name: 'no-unresolvable-import',
      comment: 'An import the cruiser cannot resolve would escape every rule above.',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    // Type-only imports are dependencies too: an `import type` of another room couples the rooms all the same.
    tsPreCompilationDeps: true,
    // ESM TypeScript imports name the emitted `.js`: the cruiser falls back to the `.ts` beside it by itself.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts', '.json'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
};
