import { setI18n } from 'react-i18next';
import { createTranslator } from '../../src/shared/i18n/i18n';

// The views as they render in English: these tests mount them without the app's I18nextProvider
// (src/renderer/src/main.tsx), so react-i18next's default instance is English's.
setI18n(createTranslator('en'));
