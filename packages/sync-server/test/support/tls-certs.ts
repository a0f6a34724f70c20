/**
 * Certificates for TLS tests: a private CA and a leaf it signs for 127.0.0.1 and localhost, made
 * fresh per test run (`selfsigned`), and a second CA that signs nothing of ours.
 */
import { generate } from 'selfsigned';

/** PEM strings of a test CA and a leaf certificate it signed. */
export interface TestCerts {
  ca: string;
  cert: string;
  key: string;
  /** A CA that did not sign `cert` (peers trusting only it must refuse our listener). */
  otherCa: string;
}

async function makeCa(name: string): Promise<{ cert: string; key: string }> {
  const ca = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  return { cert: ca.cert, key: ca.private };
}

/** A CA, a leaf for 127.0.0.1/localhost signed by it, and an unrelated CA. */
export async function makeTestCerts(): Promise<TestCerts> {
  const ca = await makeCa('accord test ca');
  const other = await makeCa('someone else');
  const leaf = await generate([{ name: 'commonName', value: 'accord test node' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.key, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { ca: ca.cert, cert: leaf.cert, key: leaf.private, otherCa: other.cert };
}
