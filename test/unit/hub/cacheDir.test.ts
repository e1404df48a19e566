import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { defaultModelDir, hubCacheDir, pastaCacheDir } from '../../../src/core/model/hub/cacheDir.js';

test('PASTA_CACHE_DIR wins, made absolute', () => {
  assert.equal(pastaCacheDir({ PASTA_CACHE_DIR: '/srv/pasta', XDG_CACHE_HOME: '/xdg' }), '/srv/pasta');
  assert.equal(pastaCacheDir({ PASTA_CACHE_DIR: 'rel/cache' }), resolve('rel/cache'));
});

test('then $XDG_CACHE_HOME/pasta-studio, then ~/.cache/pasta-studio', () => {
  assert.equal(pastaCacheDir({ XDG_CACHE_HOME: '/xdg' }), '/xdg/pasta-studio');
  assert.equal(pastaCacheDir({ XDG_CACHE_HOME: '' }), join(homedir(), '.cache', 'pasta-studio'));
  assert.equal(pastaCacheDir({}), join(homedir(), '.cache', 'pasta-studio'));
});

test('the default model and the hub cache live under it', () => {
  assert.equal(defaultModelDir({ PASTA_CACHE_DIR: '/c' }), '/c/models/all-MiniLM-L6-v2');
  assert.equal(hubCacheDir({ PASTA_CACHE_DIR: '/c' }), '/c/hub');
});
