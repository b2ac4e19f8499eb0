import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import react from '@vitejs/plugin-react';

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

const define = { __ENVBENCH_COMMIT__: JSON.stringify(gitCommit()) };

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    define,
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/main/index.ts') } } },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } } },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    // index.html is the app; report.html the printed report (PDF), one template for app and CLI.
    // Minified (electron-vite leaves it off): the page parses a third of the JavaScript before its first paint.
    build: { minify: 'esbuild', rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html'), report: resolve(__dirname, 'src/renderer/report.html') } } },
  },
});
