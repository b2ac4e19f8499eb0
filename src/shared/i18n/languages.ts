/** The languages the app and the PDF report speak. English is the source; every other follows its keys. */
export const LANGUAGES = [
  { id: 'en', name: 'English' },
  { id: 'zh-CN', name: '简体中文' },
] as const;

export type Language = (typeof LANGUAGES)[number]['id'];
export const LANGUAGE_IDS = LANGUAGES.map((l) => l.id) as [Language, ...Language[]];
export const DEFAULT_LANGUAGE: Language = 'en';

export function isLanguage(value: unknown): value is Language {
  return LANGUAGE_IDS.includes(value as Language);
}

/** A system locale (navigator.language, Electron's app.getLocale(), LANG) to the language EnvBench has nearest: any Chinese reads Simplified Chinese. */
export function languageOfLocale(locale: string | undefined | null): Language {
  return locale && /^zh\b/i.test(locale) ? 'zh-CN' : DEFAULT_LANGUAGE;
}

/** The shape of a language: the same keys as English (en/), every leaf a string. */
export type Messages<T> = { [K in keyof T]: T[K] extends string ? string : Messages<T[K]> };
