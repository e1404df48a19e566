// The device list is written once in code; the two declarative copies (the project file's JSON schema and the
// pasta.device setting in package.json) must say the same.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DEVICE_REQUESTS } from '../../../src/core/engine/deviceNames';

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

test('the project schema and the pasta.device setting list the devices DEVICE_REQUESTS lists', () => {
  const schema = json('schemas/project.schema.json');
  const schemaDevices = JSON.stringify(schema).match(/"device":\{"enum":(\[[^\]]*\])/)?.[1];
  assert.deepEqual(JSON.parse(schemaDevices ?? '[]'), [...DEVICE_REQUESTS]);
  const setting = json('package.json').contributes.configuration.properties['pasta.device'];
  assert.deepEqual(setting.enum, [...DEVICE_REQUESTS]);
});
