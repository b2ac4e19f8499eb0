import { createTranslator, isLanguage, languageOfLocale, type Language } from '../../shared/i18n/i18n';

/** Where the chosen language is kept (this browser profile, or Electron's). */
const STORAGE_KEY = 'envbench.language';

/** The language chosen before, or else the system's (navigator.language follows the OS in Electron). */
function initialLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    // Storage refused (a locked-down profile): the system's language.
  }
  return languageOfLocale(navigator.language);
}

/** The app's translator: react-i18next's useTranslation() reads it and re-renders when the language changes. */
export const i18n = createTranslator(initialLanguage());
document.documentElement.lang = i18n.language;

export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : 'en';
}

/** Switches every view at once, and remembers the choice. */
export function chooseLanguage(language: Language): void {
  void i18n.changeLanguage(language);
  document.documentElement.lang = language;
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembered; still switched.
  }
}

/** The locale dates are written in: the system's in English (as before there was a choice), the chosen language's otherwise. */
export function dateLocale(): string | undefined {
  return currentLanguage() === 'en' ? undefined : currentLanguage();
}
