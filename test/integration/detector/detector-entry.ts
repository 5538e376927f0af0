// Entry script of the detector child process in kill/restart tests: starts it from the
// environment and prints "detector ready" once it consumes; SIGTERM stops it gracefully.

import { startInProcessDetector } from './in-process-detector';

const running = await startInProcessDetector(process.env);
process.stdout.write('detector ready\n');
process.once('SIGTERM', () => {
  void running.stop().then(() => process.exit(0));
});
