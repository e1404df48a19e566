import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHostMessage, parseWebviewMessage } from '../../../src/protocol/annotate.js';

test('webview messages are accepted only in their declared shapes', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'label', start: 1, end: 4, label: 'person', extra: 1 }), { type: 'label', start: 1, end: 4, label: 'person' });
  assert.deepEqual(parseWebviewMessage({ type: 'undo' }), { type: 'undo' });
  assert.match(parseWebviewMessage({ type: 'label', start: 4, end: 1, label: 'person' }) as string, /start <= end/);
  assert.match(parseWebviewMessage({ type: 'label', start: -1, end: 1, label: 'person' }) as string, /offsets/);
  assert.match(parseWebviewMessage({ type: 'remove', start: 1.5, end: 2 }) as string, /offsets/);
  assert.match(parseWebviewMessage({ type: 'deleteEverything' }) as string, /unknown message type "deleteEverything"/);
  assert.match(parseWebviewMessage('label') as string, /not a message object/);
  assert.match(parseWebviewMessage(null) as string, /not a message object/);
});

test('host messages carry a well-formed view state', () => {
  const state = {
    file: 'a.txt',
    text: 'Rome',
    spans: [{ start: 0, end: 4, label: 'location' }],
    labels: [{ name: 'location', color: '#00ff00', key: '2' }],
    canUndo: false,
    canRedo: false,
  };
  assert.deepEqual(parseHostMessage({ type: 'state', state }), { type: 'state', state });
  assert.match(parseHostMessage({ type: 'state', state: { ...state, spans: [{ start: 'x' }] } }) as string, /malformed/);
  assert.match(parseHostMessage({ type: 'state', state: { ...state, stale: { problem: 1 } } }) as string, /malformed/);
  assert.deepEqual(parseHostMessage({ type: 'error', message: 'bad' }), { type: 'error', message: 'bad' });
  assert.match(parseHostMessage({ type: 'eval', code: '1' }) as string, /unknown message type/);
});
