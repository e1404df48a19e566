// A tokenizer built from spm.model serialises as the tokenizer.json transformers' DebertaV2Converter writes, and that
// file loads as the same tokenizer: what export-model puts beside spm.model, so that Python tokenises as PASTA trained.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadTokenizer } from '../../../src/core/model/tokenizer';
import { compact, FIXTURES, readCases, type ParityCase } from './fixtures';

const root = mkdtempSync(join(tmpdir(), 'pasta-converted-json-'));
after(() => rmSync(root, { recursive: true, force: true }));

test("spm-deberta-v3's tokenizer serialises exactly as DebertaV2Converter's tokenizer.json of the same spm.model", async () => {
  const ours = (await loadTokenizer(join(FIXTURES, 'spm-deberta-v3'))).convertedTokenizerJson();
  const python = JSON.parse(readFileSync(join(FIXTURES, 'unigram-deberta-v3-converter', 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
  assert.ok(ours);
  for (const key of Object.keys(python)) assert.deepStrictEqual(JSON.parse(JSON.stringify(ours[key])), python[key], key);
  assert.deepEqual(Object.keys(ours).sort(), Object.keys(python).sort());
});

test('a tokenizer read from tokenizer.json or vocabulary files has no converted form', async () => {
  assert.equal((await loadTokenizer(join(FIXTURES, 'unigram-deberta-v3-converter'))).convertedTokenizerJson(), undefined);
  assert.equal((await loadTokenizer(join(FIXTURES, 'wordpiece-cased-vocab'))).convertedTokenizerJson(), undefined);
});

/** The folder's tokenizer files with the serialised tokenizer.json beside them, as an export writes it. */
async function withConvertedJson(folder: string): Promise<string> {
  const source = join(FIXTURES, folder);
  const dir = mkdtempSync(join(root, `${folder}-`));
  for (const file of readdirSync(source)) if (!['expected.json', 'special-cases.json'].includes(file)) copyFileSync(join(source, file), join(dir, file));
  const json = (await loadTokenizer(source)).convertedTokenizerJson();
  assert.ok(json, folder);
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json, null, 2));
  return dir;
}

const SPM_FOLDERS: [string, string][] = [
  ['spm-deberta-v3', 'do_lower_case false'],
  ['spm-deberta-v3-punct', 'do_lower_case and split_by_punct'],
  ['spm-deberta-v3-added', "added_tokens.json's tokens and special_tokens_map.json"],
];

for (const [folder, what] of SPM_FOLDERS) {
  test(`${folder} (${what}): its tokenizer.json loads as the tokenizer built from spm.model, on every case`, async () => {
    const fromSpm = await loadTokenizer(join(FIXTURES, folder));
    const fromJson = await loadTokenizer(await withConvertedJson(folder));
    const special = folder.endsWith('-added')
      ? (
          JSON.parse(readFileSync(join(FIXTURES, folder, 'special-cases.json'), 'utf8')) as {
            cases: { text: string; pair: string | null; maxLength: number | null }[];
          }
        ).cases
      : [];
    const cases: ParityCase[] = [...readCases(), ...special.map((c) => ({ text: c.text, pair: c.pair ?? undefined, maxLength: c.maxLength ?? undefined }))];
    assert.ok(cases.length > 480);
    for (const [i, c] of cases.entries()) {
      const pair = c.pair !== undefined;
      assert.deepStrictEqual(
        compact(fromJson.encode(c.text, c.pair, { maxLength: c.maxLength }), pair),
        compact(fromSpm.encode(c.text, c.pair, { maxLength: c.maxLength }), pair),
        `case ${i} ${JSON.stringify(c.text).slice(0, 80)}`,
      );
    }
    // bos and eos ([CLS] and [SEP]) are DebertaV2Tokenizer's defaults, which tokenizer.json does not carry (transformers'
    // class supplies them in Python); every role it names is the same token, and the five PASTA reads are named.
    const roles: Record<string, number | undefined> = { ...fromJson.specialTokens };
    const spmRoles: Record<string, number | undefined> = { ...fromSpm.specialTokens };
    for (const [role, id] of Object.entries(roles)) assert.equal(id, spmRoles[role], role);
    for (const role of ['cls', 'sep', 'pad', 'unk', 'mask']) assert.notEqual(roles[role], undefined, role);
    assert.equal(fromJson.vocabSize, fromSpm.vocabSize);
  });
}
