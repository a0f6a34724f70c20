/**
 * The TLS material a node is configured with (`--tls-cert`, `--tls-key`, `--peer-tls-ca`), read
 * from its PEM files once at start; both listeners (clients and peers) use the same certificate.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, type RelayConfig } from './config.js';

/** PEM contents: the certificate chain and key both listeners present, and the CA peers must chain to. */
export interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** `null`: verify peers against the system's CAs. */
  readonly ca: Buffer | null;
}

function readPem(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new ConfigError(`${flag} ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The TLS files of `config`, read, or `null` when TLS is off. Throws `ConfigError` for an unreadable file. */
export function tlsFromConfig(config: RelayConfig): TlsFiles | null {
  if (config.tlsCertFile === null || config.tlsKeyFile === null) return null;
  return {
    cert: readPem('--tls-cert', config.tlsCertFile),
    key: readPem('--tls-key', config.tlsKeyFile),
    ca: config.peerTlsCaFile === null ? null : readPem('--peer-tls-ca', config.peerTlsCaFile),
  };
}
