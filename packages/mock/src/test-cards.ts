// The sandbox's test values: which card numbers it accepts in its card sessions and what each does, and the
// cardholder names that steer 3-D Secure the way Worldpay's Try environment does (its documented "magic values").
// Decided: unlike Worldpay, whose default for any other name is a challenge, any other name is frictionless here,
// so that a payer who only clicks Pay completes a payment.

/** What a payment with this card does once 3-D Secure is passed. */
export type CardAuthorization = 'approved' | 'declined';

/** What 3-D Secure does for a payment. */
export type ThreeDsBehaviour = 'frictionless' | 'challenge' | 'authentication-failed';

export interface TestCard {
  number: string;
  brand: 'Visa' | 'Mastercard' | 'American Express';
  /** What the card does (in words, for the README, the checkout page and the dashboard). */
  description: string;
  authorization: CardAuthorization;
  /** A challenge whatever the cardholder name (the card's issuer always asks). */
  alwaysChallenge?: true;
}

/** Every card number the sandbox accepts, first the one its checkout page is filled with. */
export const TEST_CARDS: readonly TestCard[] = [
  {
    number: '4444333322221111',
    brand: 'Visa',
    description: 'pays (frictionless unless the name asks for a challenge)',
    authorization: 'approved',
  },
  {
    number: '5555555555554444',
    brand: 'Mastercard',
    description: 'pays (frictionless unless the name asks for a challenge)',
    authorization: 'approved',
  },
  {
    number: '343434343434343',
    brand: 'American Express',
    description: 'pays (frictionless unless the name asks for a challenge)',
    authorization: 'approved',
  },
  {
    number: '4000000000003220',
    brand: 'Visa',
    description: 'always asks for a 3-D Secure challenge, then pays if the payer passes it',
    authorization: 'approved',
    alwaysChallenge: true,
  },
  {
    number: '4000000000000002',
    brand: 'Visa',
    description: 'is declined by the issuer (the order becomes Failed)',
    authorization: 'declined',
  },
];

export const DEFAULT_TEST_CARD = TEST_CARDS[0]!;
export const DECLINED_TEST_CARD = TEST_CARDS.find((card) => card.authorization === 'declined')!;
export const CHALLENGE_TEST_CARD = TEST_CARDS.find((card) => card.alwaysChallenge)!;

export interface MagicName {
  /** Worldpay's legacy upper-case value and its newer lower-case one; matched case-insensitively. */
  names: readonly string[];
  description: string;
  threeDs?: ThreeDsBehaviour;
  authorization?: CardAuthorization;
}

/** Cardholder names with a meaning (Worldpay's magic values); any other name is frictionless. */
export const MAGIC_NAMES: readonly MagicName[] = [
  {
    names: ['3DS_V2_CHALLENGE_IDENTIFIED', '3ds2-challenge-identified'],
    description: 'a 3-D Secure challenge',
    threeDs: 'challenge',
  },
  {
    names: ['3DS_V2_FRICTIONLESS_IDENTIFIED', '3ds2-frictionless-identified'],
    description: 'frictionless: authenticated without a challenge',
    threeDs: 'frictionless',
  },
  {
    names: ['3DS_V2_FRICTIONLESS_FAILED', '3ds2-frictionless-failed'],
    description: 'authentication fails without a challenge (the order becomes Failed)',
    threeDs: 'authentication-failed',
  },
  {
    names: ['REFUSED'],
    description: 'authenticated, then refused by the issuer (the order becomes Failed)',
    authorization: 'declined',
  },
];

export function findTestCard(number: string): TestCard | undefined {
  const digits = number.replace(/[\s-]/g, '');
  return TEST_CARDS.find((card) => card.number === digits);
}

function magicName(cardHolderName: string): MagicName | undefined {
  const name = cardHolderName.trim().toLowerCase();
  return MAGIC_NAMES.find((magic) => magic.names.some((known) => known.toLowerCase() === name));
}

/** What a payment with `card` and `cardHolderName` does: its 3-D Secure step, then its authorization. */
export function paymentBehaviour(
  card: Pick<TestCard, 'authorization' | 'alwaysChallenge'>,
  cardHolderName: string,
): { threeDs: ThreeDsBehaviour; authorization: CardAuthorization } {
  const magic = magicName(cardHolderName);
  const threeDs: ThreeDsBehaviour = card.alwaysChallenge ? 'challenge' : (magic?.threeDs ?? 'frictionless');
  const authorization: CardAuthorization =
    card.authorization === 'declined' || magic?.authorization === 'declined' ? 'declined' : 'approved';
  return { threeDs, authorization };
}

/** `4444 3333 2222 1111` */
export function groupedCardNumber(number: string): string {
  return number.replace(/(.{4})/g, '$1 ').trim();
}
