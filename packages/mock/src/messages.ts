// Every human-readable text the gateway sends, in the four languages the API documents. The gateway error `msg`
// and the business `errorMessage` are what a merchant's support staff read, so the mock speaks each language rather
// than echoing an English text with a different header.

import { defaultLanguage, languages, type GatewayErrorCode, type Language } from '@codepay/models';

/** The languages the mock answers in: those of the spec (the `Accept-Language` enum). */
export const LANGUAGES = languages;
export type { Language };

type Localized = Readonly<Record<Language, string>>;

/**
 * `msg` of each gateway error code of the spec (`x-codepay-error-codes`; the type requires every one of them and no
 * other) and of the mock's own `MOCK_SCENARIO`.
 */
export const GATEWAY_ERROR_MESSAGES = {
  E07303: {
    'en-US': 'API not authorized or does not exist',
    'zh-CN': 'API 未授权或不存在',
    'ja-JP': 'API が許可されていないか、存在しません',
    'fr-FR': 'API non autorisée ou inexistante',
  },
  E01001: {
    'en-US': 'Access token is missing',
    'zh-CN': '缺少访问令牌',
    'ja-JP': 'アクセストークンがありません',
    'fr-FR': "Jeton d'accès manquant",
  },
  E01002: {
    'en-US': 'Access token is invalid',
    'zh-CN': '访问令牌无效',
    'ja-JP': 'アクセストークンが無効です',
    'fr-FR': "Jeton d'accès invalide",
  },
  E01003: {
    'en-US': 'Access token has expired',
    'zh-CN': '访问令牌已过期',
    'ja-JP': 'アクセストークンの有効期限が切れています',
    'fr-FR': "Jeton d'accès expiré",
  },
  E01010: {
    'en-US': 'Unknown appId',
    'zh-CN': 'appId 不存在',
    'ja-JP': 'appId が存在しません',
    'fr-FR': 'appId inconnu',
  },
  E01011: {
    'en-US': 'Timestamp differs from the gateway time by more than 15 minutes',
    'zh-CN': '时间戳与网关时间相差超过 15 分钟',
    'ja-JP': 'タイムスタンプがゲートウェイの時刻と 15 分以上ずれています',
    'fr-FR': "L'horodatage s'écarte de plus de 15 minutes de l'heure de la passerelle",
  },
  E01012: {
    'en-US': 'Token request signature verification failed',
    'zh-CN': '令牌请求签名验证失败',
    'ja-JP': 'トークン要求の署名検証に失敗しました',
    'fr-FR': 'La signature de la demande de jeton est invalide',
  },
  E02001: {
    'en-US': 'Signature verification failed',
    'zh-CN': '签名验证失败',
    'ja-JP': '署名の検証に失敗しました',
    'fr-FR': 'La vérification de la signature a échoué',
  },
  E02002: {
    'en-US': 'bizContent could not be decrypted',
    'zh-CN': 'bizContent 解密失败',
    'ja-JP': 'bizContent を復号できません',
    'fr-FR': 'Impossible de déchiffrer bizContent',
  },
  E02003: {
    'en-US': 'Request body is not valid JSON or lacks a required field',
    'zh-CN': '请求体不是有效的 JSON 或缺少必填字段',
    'ja-JP': 'リクエスト本文が有効な JSON でないか、必須項目がありません',
    'fr-FR': "Le corps de la requête n'est pas un JSON valide ou un champ obligatoire manque",
  },
  E04040: {
    'en-US': 'Path not found',
    'zh-CN': '请求的路径不存在',
    'ja-JP': '指定されたパスは存在しません',
    'fr-FR': 'Chemin introuvable',
  },
  E04050: {
    'en-US': 'Method not allowed',
    'zh-CN': '不支持的请求方法',
    'ja-JP': '許可されていないメソッドです',
    'fr-FR': 'Méthode non autorisée',
  },
  E05000: {
    'en-US': 'Internal gateway error',
    'zh-CN': '网关内部错误',
    'ja-JP': 'ゲートウェイ内部エラー',
    'fr-FR': 'Erreur interne de la passerelle',
  },
  E05030: {
    'en-US': 'Service temporarily unavailable, retry later',
    'zh-CN': '服务暂时不可用，请稍后重试',
    'ja-JP': 'サービスは一時的に利用できません。しばらくしてから再試行してください',
    'fr-FR': 'Service temporairement indisponible, réessayez plus tard',
  },
  // Not a gateway code: the mock's answer to an `x-mock-scenario` it does not know (a typo in a test).
  MOCK_SCENARIO: {
    'en-US': 'Unknown or inapplicable x-mock-scenario',
    'zh-CN': '未知或不适用的 x-mock-scenario',
    'ja-JP': '不明または適用できない x-mock-scenario です',
    'fr-FR': 'x-mock-scenario inconnu ou inapplicable',
  },
} as const satisfies Record<GatewayErrorCode | 'MOCK_SCENARIO', Localized>;

/** Texts that are not tied to one gateway code. */
export const TEXTS = {
  /** `msg` for a `gateway-error:<code>` scenario whose code the mock has no text for. */
  simulatedGatewayError: {
    'en-US': 'Gateway error (simulated)',
    'zh-CN': '网关错误（模拟）',
    'ja-JP': 'ゲートウェイエラー（模擬）',
    'fr-FR': 'Erreur de passerelle (simulée)',
  },
  /** `errorMessage` of the `business-error` scenario. */
  businessFailure: {
    'en-US': 'The request was rejected by a business rule (simulated failure)',
    'zh-CN': '请求被业务规则拒绝（模拟失败）',
    'ja-JP': '業務ルールによりリクエストが拒否されました（模擬エラー）',
    'fr-FR': 'La requête a été refusée par une règle métier (échec simulé)',
  },
  /** Prefix of the P0400 `errorMessage`; Prism's validation messages (in English, naming the fields) follow. */
  invalidParamsPrefix: {
    'en-US': 'Invalid parameters: ',
    'zh-CN': '参数无效：',
    'ja-JP': 'パラメータが不正です: ',
    'fr-FR': 'Paramètres invalides : ',
  },
  /** Appended to the P0400 prefix when the decrypted bizContent is not JSON at all. */
  bizContentNotJson: {
    'en-US': 'bizContent is not valid JSON',
    'zh-CN': 'bizContent 不是有效的 JSON',
    'ja-JP': 'bizContent が有効な JSON ではありません',
    'fr-FR': "bizContent n'est pas un JSON valide",
  },
} as const satisfies Record<string, Localized>;

interface WeightedTag {
  tag: string;
  quality: number;
  order: number;
}

function parseAcceptLanguage(header: string): WeightedTag[] {
  return header
    .split(',')
    .map((part, order) => {
      const [tag = '', ...parameters] = part.trim().split(';');
      const qualityParameter = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const quality = qualityParameter === undefined ? 1 : Number(qualityParameter.slice(2));
      return { tag: tag.trim().toLowerCase(), quality: Number.isFinite(quality) ? quality : 0, order };
    })
    .filter((entry) => entry.tag !== '' && entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.order - b.order);
}

/**
 * The language to answer in: the first `Accept-Language` entry (by q-value) that matches a supported tag exactly
 * (case-insensitively) or by its primary language (`fr`, `fr-CA` → `fr-FR`); the spec's default (`en-US`) when none
 * does.
 */
export function pickLanguage(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return defaultLanguage;
  for (const { tag } of parseAcceptLanguage(acceptLanguage)) {
    const exact = LANGUAGES.find((language) => language.toLowerCase() === tag);
    if (exact) return exact;
    const primary = tag.split('-')[0];
    const byPrimary = LANGUAGES.find((language) => language.toLowerCase().split('-')[0] === primary);
    if (byPrimary) return byPrimary;
  }
  return defaultLanguage;
}
