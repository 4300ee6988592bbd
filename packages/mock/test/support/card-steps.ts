// The browser's part of a card payment, played over HTTP against the sandbox's stand-ins: card and CVC sessions
// (what the Worldpay Checkout SDK yields) and device data collection (what the hidden DDC iframe yields).

export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

export interface CardSessions {
  sessionCard: string;
  sessionCvc: string;
}

/** Card and CVC sessions for a test card, as a merchant's page gets them in the payer's browser. */
export async function cardSessions(
  baseUrl: string,
  cardNumber = '4444333322221111',
  cvc = '123',
): Promise<CardSessions> {
  const card = await postJson(`${baseUrl}/sandbox/sessions/card`, {
    cardNumber,
    expiryMonth: 12,
    expiryYear: new Date().getUTCFullYear() + 2,
  });
  const cvcSession = await postJson(`${baseUrl}/sandbox/sessions/cvc`, { cvc });
  if (card.status !== 201 || cvcSession.status !== 201)
    throw new Error(`no sessions: ${JSON.stringify(card.body)} ${JSON.stringify(cvcSession.body)}`);
  return { sessionCard: String(card.body.sessionCard), sessionCvc: String(cvcSession.body.sessionCvc) };
}

/** Device data collection for checkoutOrder's `deviceDataCollection`: the sessionId payOrder needs. */
export async function collectDeviceData(
  baseUrl: string,
  deviceDataCollection: { jwt?: string; bin?: string } | null | undefined,
): Promise<string> {
  const answer = await postJson(`${baseUrl}/sandbox/ddc/session`, {
    jwt: deviceDataCollection?.jwt,
    bin: deviceDataCollection?.bin,
  });
  if (answer.status !== 200) throw new Error(`device data collection failed: ${JSON.stringify(answer.body)}`);
  return String(answer.body.sessionId);
}
