import { join } from 'node:path';

/** ../shared/datasets/wnut17 beside the repository, or WNUT17_DIR. */
export const WNUT17_DIR = process.env.WNUT17_DIR ?? join(__dirname, '..', '..', 'shared', 'datasets', 'wnut17');
export const WNUT17_LABELS = ['corporation', 'creative-work', 'group', 'location', 'person', 'product'];
