/** Whether a language writes its decimals after a comma ("1,5" in French, German, Spanish...), from the platform's ICU. */
const decimalCommaByLanguage = new Map<string, boolean>();
function writesDecimalComma(language: string): boolean {
  let comma = decimalCommaByLanguage.get(language);
  if (comma === undefined) {
    const [locale = 'en'] = Intl.NumberFormat.supportedLocalesOf([language.replace('_', '-')]);
    const parts = new Intl.NumberFormat(locale).formatToParts(1.5);
    comma = parts.find((p) => p.type === 'decimal')?.value === ',';
    decimalCommaByLanguage.set(language, comma);
  }
  return comma;
}

/** Spaces (no-break ones too) and apostrophes between a digit and a group of three: thousands in any language. */
const SPACED_THOUSANDS = /(?<=\d)[ \u00a0\u202f'’](?=\d{3}(?!\d))/gu;
/** "1,000", "12,500", "1,000,000.5": a first group of 1 to 3 digits (not a lone 0), then groups of three. */
const COMMA_THOUSANDS = /^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$/;
/** "1.000", "12.500,5": the same with periods, as German, Spanish or Italian write thousands. */
const PERIOD_THOUSANDS = /^[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$/;
/** "1,5", "42,50", ",5": a decimal comma. */
const DECIMAL_COMMA = /^[+-]?\d*,\d+$/;

/**
 * A number a person typed, read as people of the flow's language write them, or undefined. Spaces and apostrophes
 * between groups of three digits are thousands separators ("1 000", "1'000"). In a language with a decimal point
 * (English), a comma before groups of three digits is a thousands separator ("1,000", "12,500") and any other comma a
 * decimal one ("1,5"). In a language with a decimal comma (French), a comma is always a decimal one ("1,000" is
 * one), a period before groups of three digits a thousands separator ("1.000") and any other period a decimal one.
 */
export function readNumber(text: string, language: string): number | undefined {
  const compact = text.trim().replace(SPACED_THOUSANDS, '');
  if (compact === '') return undefined;
  let plain = compact;
  if (writesDecimalComma(language)) {
    plain = PERIOD_THOUSANDS.test(compact) ? compact.replaceAll('.', '') : compact;
    if (DECIMAL_COMMA.test(plain)) plain = plain.replace(',', '.');
  } else if (COMMA_THOUSANDS.test(compact)) {
    plain = compact.replaceAll(',', '');
  } else if (DECIMAL_COMMA.test(compact)) {
    plain = compact.replace(',', '.');
  }
  const n = Number(plain);
  return Number.isFinite(n) ? n : undefined;
}
