import { describe, expect, it } from 'vitest';
import { CATALOGUE, LANGUAGE_IDS } from './i18n';

/** Every leaf of a catalogue as 'path.to.key' → text. */
function leaves(node: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'string') out.set(prefix + key, value);
    else for (const [k, v] of leaves(value as object, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string): string[] => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]!).sort();

describe('the catalogue', () => {
  const english = leaves(CATALOGUE.en);

  it.each(LANGUAGE_IDS.filter((l) => l !== 'en'))('%s has every English key, each with text and the same placeholders, and nothing else', (language) => {
    const other = leaves(CATALOGUE[language]);
    expect([...other.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of other) {
      expect(text.trim(), key).not.toBe('');
      expect(placeholders(text), key).toEqual(placeholders(english.get(key)!));
    }
  });

  it('the PDF footer follows the language and escapes the run id', async () => {
    const { reportFooterHtml } = await import('../report');
    expect(reportFooterHtml({ run: { id: '<b>' } as never, language: 'zh-CN' })).toContain('EnvBench 报告 · 运行 &#60;b&#62; · 第 <span class="pageNumber"></span> 页');
    expect(reportFooterHtml({ run: { id: 'r1' } as never })).toContain('EnvBench report · run r1 · page <span class="pageNumber"></span> of');
  });
});
