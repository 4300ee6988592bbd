#!/usr/bin/env node
// Makes the known-answer vectors in this folder with the `openssl` command line, never with Node's crypto, so the
// SDK's tests compare its output against an independent implementation.
//
//   node test-vectors/generate.mjs             recompute every vector's bizContent and sign from the keys here
//   node test-vectors/generate.mjs --check     recompute in memory and exit 1 if vectors.json differs (writes nothing)
//   node test-vectors/generate.mjs --new-keys  make new RSA-2048 key pairs and a new AES-128 key first, then recompute
//
// The plaintexts are the ones already in vectors.json (add a vector by adding {name, signer, plaintext} there).
// Test keys only: they are public in this repository and must never be used outside tests.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const vectorsFile = path.join(dir, 'vectors.json');
const parties = ['merchant', 'platform'];

function openssl(args, input) {
  return execFileSync('openssl', args, { input, maxBuffer: 16 * 1024 * 1024 });
}

function keyFileNames(party) {
  return {
    privatePkcs1Pem: `${party}_private_pkcs1.pem`,
    privatePkcs8Pem: `${party}_private_pkcs8.pem`,
    privatePkcs8Base64Der: `${party}_private_pkcs8.b64`,
    publicSpkiPem: `${party}_public_spki.pem`,
    publicSpkiBase64Der: `${party}_public_spki.b64`,
  };
}

/** New RSA-2048 key pair for a party, written in every form the tests read; returns nothing, writes files. */
function makeKeyPair(party) {
  const names = keyFileNames(party);
  const at = (name) => path.join(dir, name);
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', at(names.privatePkcs8Pem)]);
  openssl(['pkey', '-in', at(names.privatePkcs8Pem), '-traditional', '-out', at(names.privatePkcs1Pem)]);
  openssl(['pkey', '-in', at(names.privatePkcs8Pem), '-pubout', '-out', at(names.publicSpkiPem)]);
  const base64Der = (args) => openssl([...args, '-outform', 'DER']).toString('base64');
  writeFileSync(at(names.privatePkcs8Base64Der), base64Der(['pkey', '-in', at(names.privatePkcs8Pem)]));
  writeFileSync(at(names.publicSpkiBase64Der), base64Der(['pkey', '-in', at(names.privatePkcs8Pem), '-pubout']));
}

/** bizContent = Base64(AES-128-ECB/PKCS#7(plaintext)); sign = Base64(SHA256withRSA(plaintext)) with the signer's key. */
export function deriveVector(aesKeyBase64, vector) {
  const keyHex = Buffer.from(aesKeyBase64, 'base64').toString('hex');
  const plaintext = Buffer.from(vector.plaintext, 'utf8');
  const bizContent = openssl(['enc', '-aes-128-ecb', '-K', keyHex, '-nosalt', '-base64', '-A'], plaintext)
    .toString('utf8')
    .trim();
  const signerKey = path.join(dir, keyFileNames(vector.signer).privatePkcs8Pem);
  const sign = openssl(['dgst', '-sha256', '-sign', signerKey], plaintext).toString('base64');
  return { name: vector.name, signer: vector.signer, plaintext: vector.plaintext, bizContent, sign };
}

function main(argv) {
  const file = JSON.parse(readFileSync(vectorsFile, 'utf8'));
  if (argv.includes('--new-keys')) {
    for (const party of parties) makeKeyPair(party);
    file.aesKey = openssl(['rand', '-base64', '16']).toString('utf8').trim();
    writeFileSync(path.join(dir, 'aes128_key.b64'), file.aesKey);
  }
  file.keys = Object.fromEntries(parties.map((party) => [party, keyFileNames(party)]));
  file.vectors = file.vectors.map((vector) => deriveVector(file.aesKey, vector));
  const text = `${JSON.stringify(file, null, 2)}\n`;
  if (argv.includes('--check')) {
    const committed = JSON.parse(readFileSync(vectorsFile, 'utf8'));
    if (JSON.stringify(committed) !== JSON.stringify(file)) {
      const before = committed.vectors;
      const drifted = file.vectors
        .filter((vector, i) => JSON.stringify(vector) !== JSON.stringify(before[i]))
        .map((v) => v.name);
      console.error(`vectors.json differs from what openssl derives: ${drifted.join(', ') || 'layout or keys'}`);
      process.exit(1);
    }
    console.log(`${file.vectors.length} vectors match what openssl derives`);
    return;
  }
  writeFileSync(vectorsFile, text);
  console.log(`wrote ${file.vectors.length} vectors to ${path.relative(process.cwd(), vectorsFile)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
