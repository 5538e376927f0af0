// `address:port` fields that logs write without brackets, IPv6 included (`2001:db8::1:51234`). Only
// the format knows a port is always there: read alone, such a text is itself a valid IPv6 address.

/** The address of an `address:port` field; a bracketed or portless value is returned as it is. */
export function addressOfAddressPort(value: string | undefined): string | undefined {
  if (value === undefined || value.charCodeAt(0) === 91) return value;
  const colon = value.lastIndexOf(':');
  if (colon <= 0 || colon === value.length - 1 || value.length - colon > 6) return value;
  for (let i = colon + 1; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return value;
  }
  return value.slice(0, colon);
}
