export * from './elementwise';
export * from './linalg';
export * from './shape';
export * from './reduce';
export * from './nn';
export { sumToShape } from './broadcast';
