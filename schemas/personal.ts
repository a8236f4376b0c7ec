/**
 * Personal data (GDPR) as the catalog declares it: a field marked `personal` never reaches an
 * analytic table in clear. The processing core applies the treatment (core/personal/).
 */

/**
 * - `pseudonymise`: a keyed pseudonym (HMAC-SHA-256), the same for the same value in every table
 *   and batch, so counts and joins still work;
 * - `network`: an IP address cut to its network, /24 for IPv4, /48 for IPv6;
 * - `drop`: the column stays, always NULL.
 * In every case the clear value goes, encrypted, to the batch's personal-data side output.
 */
export type PersonalTreatment = 'pseudonymise' | 'network' | 'drop';

export const PERSONAL_TREATMENTS: readonly PersonalTreatment[] = ['pseudonymise', 'network', 'drop'];
