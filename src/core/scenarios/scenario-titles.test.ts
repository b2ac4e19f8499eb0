import { describe, expect, it } from 'vitest';
import { CATALOGUE, createTranslator, scenarioTitle } from '../../shared/i18n/i18n';
import { SCENARIOS } from './catalog';

// The app's and the report's scenario titles come from the i18n catalogue (src/shared/i18n/en/scenarios.ts).
describe('scenario titles in the i18n catalogue', () => {
  it("has every scenario's title as the scenario catalogue gives it, and a user's own command keeps its name", () => {
    const t = createTranslator('en').t;
    for (const scenario of SCENARIOS) expect(scenarioTitle(t, scenario.id, '?'), scenario.id).toBe(scenario.title);
    expect(Object.keys(CATALOGUE.en.scenarios).sort()).toEqual(SCENARIOS.map((s) => s.id).sort());
    expect(scenarioTitle(createTranslator('zh-CN').t, 'command:make', 'make build')).toBe('make build');
    expect(scenarioTitle(createTranslator('zh-CN').t, 'gopls-load', '?')).toBe('gopls 工作区加载');
  });
});
