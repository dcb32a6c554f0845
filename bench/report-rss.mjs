// Preloaded with --import into a process whose peak memory the benchmark
// wants: on exit, writes the peak RSS (bytes) to the file named by
// BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
  });
}
