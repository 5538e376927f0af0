// A Host header (or :authority) as a service name. Clients write one host several ways: gRPC
// clients send the port they dialled (`api.example.com:443`), browsers leave a default port out,
// and host names are case-insensitive. Each spelling would be a service of its own, with its own
// baselines and routes, so the forms that name the same host are written one way.

function isUpperAscii(c: number): boolean {
  return c >= 65 && c <= 90;
}

/** host lower-cased, without a default port (`:80`, `:443`) or the trailing dot of a FQDN; undefined stays undefined. */
export function serviceOfHost(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  let s = host;
  for (let i = 0; i < s.length; i++) {
    if (isUpperAscii(s.charCodeAt(i))) {
      s = s.toLowerCase();
      break;
    }
  }
  if (s.endsWith(':443')) s = s.slice(0, -4);
  else if (s.endsWith(':80')) s = s.slice(0, -3);
  if (s.length > 1 && s.charCodeAt(s.length - 1) === 46) s = s.slice(0, -1);
  return s;
}
