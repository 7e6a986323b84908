// Named wire faults (docs/providers.md §6): the real services' uglier answers, which the simulator serves on request
// (`{ fault: 'gemini-quota-multi-daily' }` in a script) so tests, demos and the contract suite can meet each one.
// Each shape is written from the public record of what the service answers, in our own words.
import { geminiError, groqError } from './bodies';
import { json, type Delivery } from './http';

export const WIRE_FAULTS = [
  'gemini-quota-multi-daily',
  'gemini-quota-multi-minute',
  'gemini-quota-no-tier',
  'gemini-quota-bare',
  'gemini-precondition',
  'plain-502',
  'groq-requested-over-limit',
  'groq-no-dimension',
  'groq-long-decimals',
  'groq-capacity-498',
  'groq-over-capacity',
] as const;
export type WireFault = (typeof WIRE_FAULTS)[number];

/** Whether this provider's wire has this fault: each is named for its provider, but for the proxy's plain 502. */
export const faultFits = (provider: 'gemini' | 'groq', fault: WireFault): boolean => fault === 'plain-502' || fault.startsWith(`${provider}-`);

const GEMINI_LINK = 'For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.';
const EXCEEDED = `You exceeded your current quota, please check your plan and billing details. ${GEMINI_LINK}`;
const FREE = 'generativelanguage.googleapis.com/generate_content_free_tier';
const help = {
  '@type': 'type.googleapis.com/google.rpc.Help',
  links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }],
};
const violation = (metric: string, quotaId: string, model: string, quotaValue?: string) => ({
  quotaMetric: `${FREE}_${metric}`,
  quotaId,
  quotaDimensions: { location: 'global', model },
  ...(quotaValue !== undefined && { quotaValue }),
});
const quotaFailure = (violations: unknown[]) => ({ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations });

function geminiFault(fault: WireFault, model: string): Delivery | null {
  switch (fault) {
    case 'gemini-quota-multi-daily': // three violations, the daily one last, no quotaValue, no RetryInfo, no "retry in"
      return json(
        429,
        geminiError(429, EXCEEDED, [
          quotaFailure([
            violation('input_token_count', 'GenerateContentInputTokensPerModelPerMinute-FreeTier', model),
            violation('requests', 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier', model),
            violation('requests', 'GenerateRequestsPerDayPerProjectPerModel-FreeTier', model),
          ]),
          help,
        ]),
      );
    case 'gemini-quota-multi-minute': // RetryInfo first, then tokens and requests per minute, one with quotaValue
      return json(
        429,
        geminiError(
          429,
          `${EXCEEDED}\n* Quota exceeded for metric: ${FREE}_input_token_count, limit: 125000, model: ${model}\nPlease retry in 6.780999999s.`,
          [
            { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '6s' },
            quotaFailure([
              violation('requests', 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier', model),
              violation('input_token_count', 'GenerateContentInputTokensPerModelPerMinute-FreeTier', model, '125000'),
            ]),
          ],
        ),
      );
    case 'gemini-quota-no-tier': // the tier has no quota for this model: every line says limit: 0
      return json(
        429,
        geminiError(
          429,
          `${EXCEEDED}\n* Quota exceeded for metric: ${FREE}_input_token_count, limit: 0, model: ${model}\n` +
            `* Quota exceeded for metric: ${FREE}_requests, limit: 0, model: ${model}\nPlease retry in 20.04466179s.`,
          [
            help,
            quotaFailure([
              violation('requests', 'GenerateRequestsPerDayPerProjectPerModel-FreeTier', model),
              violation('input_token_count', 'GenerateContentInputTokensPerModelPerMinute-FreeTier', model),
            ]),
            { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '20s' },
          ],
        ),
      );
    case 'gemini-quota-bare':
      return json(429, geminiError(429, 'Resource has been exhausted (e.g. check quota).'));
    case 'gemini-precondition':
      return json(400, { error: { code: 400, message: 'User location is not supported for the API use.', status: 'FAILED_PRECONDITION' } });
    default:
      return null;
  }
}

function groqFault(fault: WireFault, model: string): Delivery | null {
  const org = 'org_01simulated000000000000';
  const limited = (message: string, type: string, headers: Record<string, string> = {}) =>
    json(429, groqError(message, type, 'rate_limit_exceeded'), { 'x-request-id': 'req_sim_fault', 'x-groq-region': 'sim', ...headers });
  switch (fault) {
    case 'groq-requested-over-limit': // the pre-413 answer to a request larger than the whole TPM limit
      return limited(
        `Rate limit reached for model \`${model}\` in organization \`${org}\` on tokens per minute (TPM): Limit 7000, Used 0, Requested ~12903. ` +
          'Please try again in 50.597142857s. Visit https://console.groq.com/docs/rate-limits for more information.',
        'tokens',
        { 'retry-after': '51' },
      );
    case 'groq-no-dimension': // no "(TPD)" phrase: only the type and a wait far past a minute tell it is daily
      return limited(
        `Rate limit reached for model \`${model}\` in organization \`${org}\` service tier \`on_demand\` on : Limit 500000, Used 499870, Requested 1523. ` +
          'Please try again in 4m23.136s. Visit https://console.groq.com/docs/rate-limits for more information.',
        'tokens',
      );
    case 'groq-long-decimals': // no service tier phrase, a wait with a long decimal, headers with the 429
      return limited(
        `Rate limit reached for model \`${model}\` in organization \`${org}\` on tokens per minute (TPM): Limit 12000, Used 11950, Requested 420. ` +
          'Please try again in 6.780999999s. Visit https://console.groq.com/docs/rate-limits for more information.',
        'tokens',
        { 'retry-after': '7', 'x-ratelimit-limit-tokens': '12000', 'x-ratelimit-remaining-tokens': '50', 'x-ratelimit-reset-tokens': '6.780999999s' },
      );
    case 'groq-capacity-498':
      return json(
        498,
        groqError('Flex tier capacity exceeded. This is a temporary condition, please try again later.', 'capacity_exceeded', 'capacity_exceeded'),
      );
    case 'groq-over-capacity':
      return json(503, groqError(`${model} is currently over capacity. Please try again and back off exponentially.`, 'internal_server_error'));
    default:
      return null;
  }
}

/** A proxy's HTML error page: not JSON at all. */
const PLAIN_502: Delivery = {
  status: 502,
  headers: { 'content-type': 'text/html' },
  body: '<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>',
};

export function faultDelivery(provider: 'gemini' | 'groq', fault: WireFault, model: string): Delivery {
  if (fault === 'plain-502') return PLAIN_502;
  const d = provider === 'gemini' ? geminiFault(fault, model) : groqFault(fault, model);
  if (!d) throw new Error(`the ${provider} simulator has no fault "${fault}"`);
  return d;
}
