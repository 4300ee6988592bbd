// Certificate authorities and server certificates made with the OpenSSL command line for one test run, in a
// temporary directory: a private CA, certificates it issues for a chosen name, and a self-signed certificate.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Certificate {
  key: string;
  cert: string;
}

export interface CertificateAuthority {
  /** The CA certificate (PEM): what a client passes as `ca`. */
  pem: string;
  /** Where the CA certificate is written (for NODE_EXTRA_CA_CERTS). */
  file: string;
  /** A server certificate for `subjectAltName` (e.g. `IP:127.0.0.1` or `DNS:other.example`), signed by this CA. */
  issue(subjectAltName: string): Certificate;
}

export interface CertificateWorkshop {
  authority(name: string): CertificateAuthority;
  /** A certificate for `subjectAltName` that signs itself (no CA anyone trusts). */
  selfSigned(subjectAltName: string): Certificate;
  dispose(): void;
}

export function certificateWorkshop(): CertificateWorkshop {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'codepay-certs-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
  let serial = 0;
  return {
    authority(name) {
      const id = `ca${++serial}`;
      run(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `${id}.key`,
        '-out',
        `${id}.pem`,
        '-days',
        '1',
        '-subj',
        `/CN=${name}`,
      );
      return {
        pem: read(`${id}.pem`),
        file: path.join(dir, `${id}.pem`),
        issue(subjectAltName) {
          const leaf = `leaf${++serial}`;
          run(
            'req',
            '-newkey',
            'rsa:2048',
            '-nodes',
            '-keyout',
            `${leaf}.key`,
            '-out',
            `${leaf}.csr`,
            '-subj',
            '/CN=codepay test server',
          );
          writeFileSync(path.join(dir, `${leaf}.cnf`), `subjectAltName=${subjectAltName}\nbasicConstraints=CA:FALSE\n`);
          run(
            'x509',
            '-req',
            '-in',
            `${leaf}.csr`,
            '-CA',
            `${id}.pem`,
            '-CAkey',
            `${id}.key`,
            '-CAcreateserial',
            '-out',
            `${leaf}.pem`,
            '-days',
            '1',
            '-extfile',
            `${leaf}.cnf`,
          );
          return { key: read(`${leaf}.key`), cert: read(`${leaf}.pem`) };
        },
      };
    },
    selfSigned(subjectAltName) {
      const id = `self${++serial}`;
      run(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `${id}.key`,
        '-out',
        `${id}.pem`,
        '-days',
        '1',
        '-subj',
        '/CN=self-signed',
        '-addext',
        `subjectAltName=${subjectAltName}`,
      );
      return { key: read(`${id}.key`), cert: read(`${id}.pem`) };
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
