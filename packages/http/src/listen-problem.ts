// A listener that cannot start is a setting the user can fix: say which variable, and how.

import { VigilError } from '@vigil/contract';

export interface ListenSettings {
  host: string;
  port: number;
  /** The variables that set host and port, for the message. */
  hostVariable: string;
  portVariable: string;
}

/** VIGIL_CONFIG_INVALID naming the variable for a port in use or forbidden, or an address this machine lacks; other errors as they are. */
export function listenProblem(error: NodeJS.ErrnoException, settings: ListenSettings): Error {
  const { host, port, hostVariable, portVariable } = settings;
  if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
    const problem = error.code === 'EADDRINUSE' ? 'is in use' : 'needs privileges (ports below 1024 do)';
    return new VigilError('VIGIL_CONFIG_INVALID', `${portVariable}: port ${port} on ${host} ${problem}; choose a free port, e.g. ${portVariable}=${port === 8090 ? 8091 : 8090}`, {
      cause: error,
      details: { variables: [portVariable] },
    });
  }
  if (error.code === 'EADDRNOTAVAIL') {
    return new VigilError(
      'VIGIL_CONFIG_INVALID',
      `${hostVariable}: ${host} is not an address of this machine; give one of its addresses, or 0.0.0.0 for all of them, e.g. ${hostVariable}=0.0.0.0`,
      { cause: error, details: { variables: [hostVariable] } },
    );
  }
  return error;
}

/** The address a local client reaches a listener on `host` at: loopback for the wildcard addresses. */
export function localAddressOf(host: string): string {
  return host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
}

/** host:port as it goes into a URL: an IPv6 address in brackets. */
export function urlHost(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
