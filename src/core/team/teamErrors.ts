// Why the team queue is unreachable, in words a person can act on. ioredis reports a failed TLS
// handshake as "Connection is closed."; the cause (a certificate the CA does not vouch for, a
// wrong password) arrives separately, as the connection's last error, which is what we explain.

/** TLS verification failures: the server's certificate is not trusted with the configured CA. */
const UNTRUSTED_CERT = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
]);

export interface TeamErrorContext {
  /** `pacer.team.caFile`, when set. */
  caFile?: string;
}

/** A thrown value's code (Node system and TLS errors), if any. */
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One sentence: what went wrong and the setting or command that fixes it. */
export function describeTeamError(error: unknown, context: TeamErrorContext = {}): string {
  const code = codeOf(error);
  const message = messageOf(error);
  const detail = code && !message.includes(code) ? `${message} (${code})` : message;
  if (code && UNTRUSTED_CERT.has(code)) {
    return context.caFile
      ? `Redis's TLS certificate is not signed by the CA in pacer.team.caFile (${context.caFile}): ${detail}. Point pacer.team.caFile at the CA that signed the server's certificate.`
      : `Redis's TLS certificate is not signed by an authority this system trusts: ${detail}. Set pacer.team.caFile to the PEM file of the CA that signed it.`;
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return `Redis's TLS certificate is not valid now: ${detail}.`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `Redis's TLS certificate is for another host name: ${detail}. Use the host name in the certificate in pacer.team.redisUrl.`;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR')
    return `pacer.team.caFile cannot be read: ${detail}.`;
  if (/WRONGPASS|NOAUTH|invalid password/i.test(message))
    return `Redis refused the password: ${message}. Set it with "Pacer: Set Team Redis Password".`;
  if (/^(MOVED|ASK|CLUSTERDOWN)\b/.test(message))
    return `pacer.team.redisUrl points at a Redis Cluster node that does not hold this queue (${message}). The team queue talks to one Redis: point it at a standalone Redis (or a primary that is not in a Cluster).`;
  if (/NOPERM/i.test(message))
    return `The Redis user may not run the team queue's commands: ${message}. See the README's team section for the ACL.`;
  return detail;
}
