// Every question PASTA asks in a quick pick or an input box stays open when focus moves (to read the file being
// imported or the text being labelled): each call passes ignoreFocusOut. Read from the sources with TypeScript's parser.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const EXTENSION = join(import.meta.dirname, '../../../src/extension');
const ASKING = new Set(['showQuickPick', 'showInputBox', 'showWorkspaceFolderPick']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** `file:line: call` for each quick pick or input box call without ignoreFocusOut: true among its arguments. */
function callsWithoutIgnoreFocusOut(file: string): { asked: number; missing: string[] } {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  let asked = 0;
  const missing: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ASKING.has(node.expression.name.text)) {
      asked++;
      const options = node.arguments.filter(ts.isObjectLiteralExpression);
      const kept = options.some((o) =>
        o.properties.some((p) => ts.isPropertyAssignment(p) && p.name.getText(source) === 'ignoreFocusOut' && p.initializer.kind === ts.SyntaxKind.TrueKeyword),
      );
      if (!kept) missing.push(`${relative(EXTENSION, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.expression.name.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { asked, missing };
}

test('every quick pick and input box of the extension passes ignoreFocusOut: true', () => {
  const results = sources(EXTENSION).map(callsWithoutIgnoreFocusOut);
  assert.ok(results.reduce((n, r) => n + r.asked, 0) >= 10, 'the scan found the extension questions');
  assert.deepEqual(
    results.flatMap((r) => r.missing),
    [],
  );
});
