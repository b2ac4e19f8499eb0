import type { Messages } from '../languages';
import type { terminals as en } from '../en/terminals';

export const terminals: Messages<typeof en> = {
  title: '终端',
  runtime: '终端运行时',
  machine: '终端所在的机器',
  thisMachine: '本机',
  onHost: '在 {{name}} 上',
  unavailable: '（不可用）',
  offlineTitle: '按离线运行的方式准备环境：使用本地定义，不访问网络',
  offline: '离线',
  opening: '正在打开…',
  open: '新建终端',
  exited: '（已退出，退出码 {{code}}）',
  broadcastTitle: '向所有开启了广播的终端同时输入',
  broadcast: '广播',
  close: '关闭 {{title}}',
  empty: '在某个环境中打开 shell：宿主机、Docker 容器、DinD、nix develop 或 devbox shell。',
};
