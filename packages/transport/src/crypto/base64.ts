// Strict Base64 (RFC 4648 §4: standard alphabet, padded). Node's Buffer.from(text, 'base64') silently skips
// characters outside the alphabet, accepts URL-safe characters and missing padding, and ignores non-zero bits in the
// last character, so a damaged bizContent, sign or key would decode to *something*; this check makes such input an
// error instead.
//
// The check is a round trip: text is strict exactly when it is what Node's encoder writes for the bytes it decodes
// to, since the encoder only ever writes the standard alphabet, full padding and zero unused bits (RFC 4648 §3.5 lets
// decoders reject any other form; we do, so each byte string has exactly one accepted text form). Decoding and
// encoding are native and about twice as fast as a regular expression over the text.

/** Decoded bytes, or `undefined` when `text` is not strict Base64; callers raise their own, more specific error. */
export function decodeStrictBase64(text: string): Buffer | undefined {
  if (typeof text !== 'string' || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

export function isStrictBase64(text: string): boolean {
  return decodeStrictBase64(text) !== undefined;
}
