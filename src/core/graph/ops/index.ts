export * from './shape';
export * from './broadcast';
export * from './elementwise';
export * from './indexing';
export * from './mean';
export * from './linalg';
export * from './nn';
export * from './quantized';
