import i18next, { type i18n, type TFunction } from 'i18next';
import { en } from './en';
import { DEFAULT_LANGUAGE, type Language, type Messages } from './languages';
import { zhCN } from './zh-CN';

export type { Language, Messages } from './languages';
export { LANGUAGES, LANGUAGE_IDS, DEFAULT_LANGUAGE, isLanguage, languageOfLocale } from './languages';

/**
 * The catalogue: every string the app and the printed report show, English first (en/), each
 * other language with the same keys (the type says so). Text that comes from a measurement (a
 * failure's reason, a tool's output, the run log) is shown as it was recorded, untranslated.
 */
export const CATALOGUE = { en, 'zh-CN': zhCN } as const satisfies Record<Language, Messages<typeof en>>;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

/** An i18next instance in `language`, initialised synchronously (the catalogue is bundled): i18next's `t`, keys checked by TypeScript. */
export function createTranslator(language: Language = DEFAULT_LANGUAGE): i18n {
  const instance = i18next.createInstance();
  void instance.init({
    lng: language,
    fallbackLng: DEFAULT_LANGUAGE,
    resources: Object.fromEntries(Object.entries(CATALOGUE).map(([lng, translation]) => [lng, { translation }])),
    initAsync: false,
    // React escapes; the PDF footer escapes what it inserts itself.
    interpolation: { escapeValue: false },
    // Keys are paths ('run.start'); a ':' in a key is text, not a namespace.
    nsSeparator: false,
    returnNull: false,
  });
  return instance;
}

/** A scenario's title in the translator's language; a scenario the catalogue does not know (the user's own --command) keeps the title it came with. */
export function scenarioTitle(t: TFunction, id: string, fallback: string): string {
  return Object.hasOwn(en.scenarios, id) ? t(`scenarios.${id as keyof typeof en.scenarios}`) : fallback;
}
