// Failure reasons end up in logs, the audit topic and the dead-letter topic: they must never carry a
// webhook URL (Slack's is a bearer secret), an SMTP password or a signing secret.

const REDACTED = '<secret>';

/** Replaces every occurrence of each secret (and its URL-encoded form) with `<secret>`. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let redacted = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length === 0) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      redacted = redacted.split(form).join(REDACTED);
    }
  }
  return redacted;
}

/** The parts of a URL that grant access: the whole URL, its path and query, and any password. */
export function secretPartsOfUrl(url: string): string[] {
  try {
    const parsed = new URL(url);
    const parts = [url, parsed.href, parsed.password, decodeURIComponent(parsed.password), parsed.search];
    if (parsed.pathname !== '/') parts.push(parsed.pathname);
    return parts.filter((part) => part.length > 0);
  } catch {
    return [url];
  }
}
