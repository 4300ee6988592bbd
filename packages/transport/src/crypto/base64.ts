// Strict Base64 (RFC 4648 §4: standard alphabet, padded). Node's Buffer.from(text, 'base64') silently skips
// characters outside the alphabet and accepts missing padding, so a damaged bizContent, sign or key would decode
// to *something*; this check makes such input an error instead.

// Alphabet plus trailing padding only; the length and padding rules are checked separately (cheaper than a regex
// with groups on large bizContent strings).
const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Whether the unused low bits of the last character are zero. RFC 4648 §3.5 lets decoders reject encodings where
 * they are not; we do, so that each byte string has exactly one accepted text form.
 */
function hasCanonicalTail(text: string): boolean {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (padding === 0) return true;
  const lastValue = ALPHABET.indexOf(text.charAt(text.length - padding - 1));
  return (lastValue & (padding === 2 ? 0x0f : 0x03)) === 0;
}

export function isStrictBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64_TEXT.test(text) && hasCanonicalTail(text);
}

/** Decoded bytes, or `undefined` when `text` is not strict Base64; callers raise their own, more specific error. */
export function decodeStrictBase64(text: string): Buffer | undefined {
  return isStrictBase64(text) ? Buffer.from(text, 'base64') : undefined;
}
