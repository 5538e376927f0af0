// Entry script of the alerter child process in kill/restart tests: starts it from the environment
// and prints "alerter ready" once it consumes.

import { startInProcessAlerter } from './in-process-alerter';

await startInProcessAlerter(process.env);
process.stdout.write('alerter ready\n');
