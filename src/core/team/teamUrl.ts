// A Redis URL as settings keep it: without a password. A pasted `redis://user:secret@host` is
// split so the password can move to SecretStorage; the setting keeps where Redis is and the ACL
// user name (not a secret).
export interface RedisUrlParts {
  /** The URL without its password. */
  url: string;
  password?: string;
}

export function splitRedisUrl(raw: string): RedisUrlParts | undefined {
  let parsed: URL;
  try {
    parsed = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') return undefined;
  const password = decodeURIComponent(parsed.password) || undefined;
  parsed.password = '';
  return { url: parsed.toString().replace(/\/$/, ''), password };
}
