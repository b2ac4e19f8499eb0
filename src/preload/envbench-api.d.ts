import type { EnvbenchApi } from '../shared/ipc/contract';

declare global {
  interface Window {
    envbench: EnvbenchApi;
  }
}

export {};
