// A node --test reporter that writes one line per skipped test ("file: name: reason"). run-tests.mjs adds it
// under the strict flag and fails the run when it wrote anything, whatever the test files did about skipping.
export default async function* skippedTests(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' || event.data.skip === undefined || event.data.skip === false) continue;
    const reason = event.data.skip === true ? 'skipped' : event.data.skip;
    yield `${event.data.file ?? '?'}: ${event.data.name}: ${reason}\n`;
  }
}
