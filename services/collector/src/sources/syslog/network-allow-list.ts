// Which source addresses may send syslog (it carries no token). IPv4-mapped IPv6 addresses
// (::ffff:10.0.0.1, seen on dual-stack sockets) are checked as the IPv4 address they are.

import { BlockList, isIPv4 } from 'node:net';

export class NetworkAllowList {
  private readonly list = new BlockList();

  constructor(readonly cidrs: readonly string[]) {
    for (const cidr of cidrs) {
      const [network, bits] = cidr.split('/') as [string, string];
      this.list.addSubnet(network, Number(bits), isIPv4(network) ? 'ipv4' : 'ipv6');
    }
  }

  allows(address: string | undefined): boolean {
    if (address === undefined) return false;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    const ip = mapped ? (mapped[1] as string) : address;
    return this.list.check(ip, isIPv4(ip) ? 'ipv4' : 'ipv6');
  }
}
