import type { Messages } from '../languages';
import type { common as en } from '../en/common';

export const common: Messages<typeof en> = {
  language: '语言',
  reportFooter: 'EnvBench 报告 · 运行 {{run}} · 第 {{page}} 页，共 {{pages}} 页',
  dimension: { startup: '启动', performance: '性能', maintenance: '维护' },
  status: { running: '运行中', completed: '已完成', failed: '失败', cancelled: '已取消', interrupted: '已中断', 'not-applicable': '不适用' },
};
