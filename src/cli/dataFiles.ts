// Moved to src/core/data/dataFiles.ts, where the extension shares it.
export * from '../core/data/dataFiles.js';
