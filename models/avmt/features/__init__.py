"""Audio features: the log-mel recipe shared by training, the export manifest and src/analyzer/audio/logMel.ts."""
