// Operator what-ifs (docs/planner.md): a variant file or API payload is checked against PlanVariantSchema, and its
// config patch against the config schema over the current settings, so a bad key is named before any replay.
import { PlanVariantSchema } from '../../shared/api-schemas';
import { applyConfigPatch, ConfigError, type ConfigPatch, type EngineConfig } from '../../shared/config';
import type { PlanVariant } from '../../shared/plan';

export class VariantError extends Error {
  override readonly name = 'VariantError';
}

/** At most this many variants per plan: the console compares four beside the current settings. */
export const MAX_VARIANTS = 5;

export function parseVariant(raw: unknown, base: EngineConfig, where: string): PlanVariant {
  const parsed = PlanVariantSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new VariantError(`${where}: ${issue ? `${issue.path.join('.') || '(variant)'}: ${issue.message}` : 'not a plan variant'}`);
  }
  const v = parsed.data;
  if (v.patch) {
    try {
      applyConfigPatch(base, v.patch);
    } catch (e) {
      if (e instanceof ConfigError) throw new VariantError(`${where}: ${e.message}`);
      throw e;
    }
  }
  const { patch, ...rest } = v;
  return { ...rest, ...(patch && { patch: patch as ConfigPatch }) };
}

/** A variant file holds a variant (`name`, `patch`, `outage`…) or a bare config patch, named after the file. */
export function variantFromFile(raw: unknown, fileName: string, base: EngineConfig): PlanVariant {
  const name = fileName.replace(/\.json$/i, '').slice(0, 40) || 'variant';
  const isVariant = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'name' in raw;
  return parseVariant(isVariant ? raw : { name, patch: raw }, base, fileName);
}
