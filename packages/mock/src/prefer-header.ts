// Prism's `Prefer` request header (`Prefer: code=200, example=<key>, dynamic=true`), parsed the way the Prism CLI
// does it. prism-http leaves that header to its caller, so the gateway parses it and hands the result to Prism as
// per-request mock options. Unknown preferences are ignored, as RFC 7240 asks.

export interface MockPreferences {
  /** Response code to mock (the virtual operations only define 200). */
  code?: number;
  /** Name of a media-type example to answer with. */
  exampleKey?: string;
  /** Generated data (true) or static examples (false) for this request only. */
  dynamic?: boolean;
}

export function parsePreferHeader(header: string | undefined): MockPreferences {
  const preferences: MockPreferences = {};
  if (!header) return preferences;
  for (const part of header.split(/[,;]/)) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    const name = part.slice(0, separator).trim().toLowerCase();
    const value = part
      .slice(separator + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (name === 'code' && /^[1-5][0-9]{2}$/.test(value)) preferences.code = Number(value);
    else if (name === 'example' && value !== '') preferences.exampleKey = value;
    else if (name === 'dynamic' && (value === 'true' || value === 'false')) preferences.dynamic = value === 'true';
  }
  return preferences;
}
