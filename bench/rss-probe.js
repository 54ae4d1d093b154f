// Preloaded with `node -r ./bench/rss-probe.js ...`: reports the process's peak RSS (KiB) on exit,
// on file descriptor 3 when the benchmark opened it, so the program's own output is untouched.
const fs = require('fs');
process.on('exit', () => {
  try {
    fs.writeSync(3, `${process.resourceUsage().maxRSS}\n`);
  } catch {
    // fd 3 not open: run outside the benchmark, nothing to report.
  }
});
