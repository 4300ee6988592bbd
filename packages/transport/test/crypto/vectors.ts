// Loads the OpenSSL-made known-answer vectors and test keys from the repository's test-vectors/ folder.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const vectorsDir = path.join(repoRoot, 'test-vectors');

export type Party = 'merchant' | 'platform';

export interface KeyFiles {
  privatePkcs1Pem: string;
  privatePkcs8Pem: string;
  privatePkcs8Base64Der: string;
  publicSpkiPem: string;
  publicSpkiBase64Der: string;
}

export interface KnownAnswerVector {
  name: string;
  signer: Party;
  plaintext: string;
  bizContent: string;
  sign: string;
}

interface VectorsFile {
  aesKey: string;
  keys: Record<Party, KeyFiles>;
  vectors: KnownAnswerVector[];
}

const file = JSON.parse(readFileSync(path.join(vectorsDir, 'vectors.json'), 'utf8')) as VectorsFile;

export const aesKeyBase64: string = file.aesKey;
export const vectors: KnownAnswerVector[] = file.vectors;

/** The text of each key file of a party, exactly as stored (PEM with line breaks, Base64 possibly with a newline). */
export function keyTexts(party: Party): KeyFiles {
  const names = file.keys[party];
  const read = (name: string) => readFileSync(path.join(vectorsDir, name), 'utf8');
  return {
    privatePkcs1Pem: read(names.privatePkcs1Pem),
    privatePkcs8Pem: read(names.privatePkcs8Pem),
    privatePkcs8Base64Der: read(names.privatePkcs8Base64Der),
    publicSpkiPem: read(names.publicSpkiPem),
    publicSpkiBase64Der: read(names.publicSpkiBase64Der),
  };
}

/** True when `message` contains any 12-character run of the key's Base64 body (PEM armour lines excluded). */
export function leaksKeyText(message: string, keyText: string): boolean {
  const body = keyText.replace(/-----[A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
  for (let start = 0; start + 12 <= body.length; start++) {
    if (message.includes(body.slice(start, start + 12))) return true;
  }
  return false;
}
