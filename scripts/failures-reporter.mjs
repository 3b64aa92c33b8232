// A second test reporter: CI shows only the tail of a run, so every failed
// test is listed again after the TAP summary, with its file and first error line.
export default async function* failures(source) {
  const failed = [];
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    const { name, file, line, details } = event.data;
    const error = details?.error;
    // A suite fails because a test in it failed; that test is already listed.
    if (error?.failureType === 'subtestsFailed') continue;
    const cause = error?.cause ?? error;
    const message = String(cause?.message ?? cause ?? '').split('\n').slice(0, 6).join('\n    ');
    failed.push(`- ${name}\n    at ${file ?? '?'}${line ? `:${line}` : ''}\n    ${message}`);
  }
  if (failed.length > 0) yield `\n# ${failed.length} failed test(s):\n${failed.join('\n')}\n`;
}
