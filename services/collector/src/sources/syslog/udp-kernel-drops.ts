// Datagrams the kernel dropped for the syslog UDP socket before the collector read them (its
// receive buffer was full): the drops column of /proc/net/udp or /proc/net/udp6, on the row of
// the socket's inode. Linux only; elsewhere there is no such count and nothing is reported.

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { WarningThrottle, type Counter, type Logger } from '@vigil/telemetry';

const SOCKET_LINK = /^socket:\[(\d+)\]$/;
/** Columns of /proc/net/udp: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops. */
const LOCAL_ADDRESS = 1;
const INODE = 9;
const DROPS = 12;

interface UdpRow {
  port: number;
  inode: string;
  drops: number;
}

function udpTableRows(text: string): UdpRow[] {
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length > DROPS)
    .map((fields) => ({
      port: Number.parseInt((fields[LOCAL_ADDRESS] as string).split(':')[1] ?? '', 16),
      inode: fields[INODE] as string,
      drops: Number(fields[DROPS]),
    }));
}

/** Inodes of the sockets this process holds open. */
function ownSocketInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const socket = SOCKET_LINK.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (socket) inodes.add(socket[1] as string);
    } catch {
      // Closed while we looked: not ours to find.
    }
  }
  return inodes;
}

/** Reads the kernel's drop count of this process's UDP socket on `port`; undefined where there is none to read. */
function kernelDropReader(family: 'udp4' | 'udp6', port: number): (() => Promise<number | undefined>) | undefined {
  if (process.platform !== 'linux') return undefined;
  const table = family === 'udp4' ? '/proc/net/udp' : '/proc/net/udp6';
  try {
    const own = ownSocketInodes();
    const inode = udpTableRows(readFileSync(table, 'latin1')).find((row) => row.port === port && own.has(row.inode))?.inode;
    if (inode === undefined) return undefined;
    return async () => {
      try {
        return udpTableRows(await readFile(table, 'latin1')).find((row) => row.inode === inode)?.drops;
      } catch {
        return undefined;
      }
    };
  } catch {
    return undefined;
  }
}

/**
 * Adds the kernel's drops for the socket to `counter` every `pollMs` (and once more at stop), and
 * warns about them at most once a minute. Returns stop, or undefined where drops cannot be read.
 */
export function watchKernelDrops(
  socket: { family: 'udp4' | 'udp6'; port: number },
  options: { counter: Counter; logger: Logger; pollMs: number },
): (() => Promise<void>) | undefined {
  const read = kernelDropReader(socket.family, socket.port);
  if (read === undefined) return undefined;
  let counted = 0;
  // At most one warning a minute, with the drops since the last one.
  const throttle = new WarningThrottle();
  options.counter.add(0);
  const poll = async () => {
    const drops = await read();
    if (drops === undefined || drops <= counted) return;
    options.counter.add(drops - counted);
    const unwarned = throttle.due('drops', drops - counted);
    counted = drops;
    if (unwarned === undefined) return;
    options.logger.warn(
      { dropped: unwarned },
      `syslog UDP: the kernel dropped ${unwarned} datagrams the collector did not read in time (receive buffer full); ` +
        'raise VIGIL_SYSLOG_UDP_RECEIVE_BUFFER_BYTES and net.core.rmem_max',
    );
  };
  // One read at a time: two overlapping ones would add the same drops twice.
  let polling = Promise.resolve();
  const pollInTurn = () => (polling = polling.then(poll));
  const timer = setInterval(() => void pollInTurn(), options.pollMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await pollInTurn();
  };
}
