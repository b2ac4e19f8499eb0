import type { Messages } from '../languages';
import type { scenarios as en } from '../en/scenarios';

export const scenarios: Messages<typeof en> = {
  'startup-cold': '冷启动',
  'startup-warm': '热启动',
  'build-clean': '全新构建',
  'build-incremental': '增量构建',
  test: '测试',
  'test-race': '带竞态检测的测试',
  vet: 'Vet 静态检查',
  'gopls-load': 'gopls 工作区加载',
  'debug-breakpoint': '调试器到首个断点',
  'file-sync': '文件同步延迟',
  'remote-sync': '编辑同步到远程主机',
  'mount-build': '挂载目录与副本上的构建',
  'modcache-isolation': '模块缓存隔离',
  'offline-readiness': '离线就绪',
  consistency: '环境一致性',
  'reproducible-build': '可复现构建',
};
