// Entry script of the alerter child process in kill/restart tests: starts it from the environment
// and prints "alerter ready <pid>" once it consumes (the pid shows a SIGKILL would reach it).

import { startInProcessAlerter } from './in-process-alerter';

await startInProcessAlerter(process.env);
process.stdout.write(`alerter ready ${process.pid}\n`);
