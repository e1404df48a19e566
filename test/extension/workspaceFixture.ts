// The workspace the extension-host suite expects: written by the e2e runner, read by the suite.
export const NOTES_TEXT = 'Grace Hopper visited Seattle in 1985.\n';
