import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAppUrl, opensExternally, secureWebPreferences } from './window-security';

const ROOT = path.resolve(__dirname, '../..');

describe('the window follows the Electron security checklist', () => {
  it('gives the renderer no Node, a sandbox and context isolation', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.js');
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false });
    expect(prefs.preload).toBe('/app/out/preload/index.js');
  });

  it('trusts only its own pages for navigation and IPC', () => {
    const built = { rendererDirUrl: pathToFileURL('/app/out/renderer').href };
    expect(isAppUrl('file:///app/out/renderer/index.html', built)).toBe(true);
    expect(isAppUrl('file:///app/out/renderer/index.html#/history', built)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', built)).toBe(false);
    expect(isAppUrl('file:///app/out/renderer-evil/index.html', built)).toBe(false);
    expect(isAppUrl('file:///app/out/renderer/../../secret.html', built)).toBe(false);
    expect(isAppUrl('https://example.com/', built)).toBe(false);
    const dev = { devServerUrl: 'http://localhost:5173/', rendererDirUrl: built.rendererDirUrl };
    expect(isAppUrl('http://localhost:5173/src/main.tsx', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('http://localhost:5173.evil.example/', dev)).toBe(false);
  });

  it('opens only http(s) links outside, never file:, javascript: or custom schemes', () => {
    expect(opensExternally('https://go.dev/doc')).toBe(true);
    expect(opensExternally('http://127.0.0.1:8080/')).toBe(true);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'not a url']) expect(opensExternally(url)).toBe(false);
  });

  it('ships a strict Content-Security-Policy without unsafe-eval or remote sources', () => {
    const html = fs.readFileSync(path.join(ROOT, 'src/renderer/index.html'), 'utf8');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-eval|https?:|\*/);
  });
});
