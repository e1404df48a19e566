// Moved to src/core/data/documentLines.ts, where the extension shares it.
export * from '../core/data/documentLines.js';
