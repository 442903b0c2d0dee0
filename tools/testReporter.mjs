// A node:test reporter that counts results from the runner's structured events (not from the
// spec reporter's text) and writes them as one JSON line to its destination:
//   {"passed":N,"failed":N,"skipped":N,"todo":N,"cancelled":N,"files":[...]}
// tools/test.mjs runs it next to `spec`:
//   node --test --test-reporter=spec --test-reporter-destination=stdout \
//        --test-reporter=./tools/testReporter.mjs --test-reporter-destination=counts.json ...
// Suites (describe) are not tests: only their tests count. A test cancelled because its suite's
// hook failed, or because its file ended early, counts as failed (and as cancelled). A file that
// fails to load is reported by the runner as one failed test, so it counts too.

/** @param {AsyncIterable<{ type: string; data: any }>} source */
export default async function* countingReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, todo: 0, cancelled: 0 };
  const files = new Set();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    if (data.details?.type === 'suite') continue;
    if (data.file) files.add(data.file);
    if (data.skip !== undefined && data.skip !== false) counts.skipped++;
    else if (data.todo !== undefined && data.todo !== false) counts.todo++;
    else if (event.type === 'test:pass') counts.passed++;
    else {
      counts.failed++;
      if (data.details?.error?.failureType === 'cancelledByParent') counts.cancelled++;
    }
  }
  yield JSON.stringify({ ...counts, files: [...files].sort() }) + '\n';
}
