/**
 * Preloaded (`node --import`) into a process a benchmark starts: prints the
 * process's own CPU time (user + system, µs) to standard error at exit, so a
 * loaded machine's waiting for a core is not counted.
 */
process.on('exit', () => {
  const u = process.cpuUsage();
  process.stderr.write(`\ncpu-us ${u.user + u.system}\n`);
});
