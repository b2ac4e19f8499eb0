export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${Math.round((ms % 60_000) / 1000).toString().padStart(2, '0')}s`;
}

/** A count or rate with an SI prefix, compact for tables: 7.5, 950, 12.3k, 4.1M. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '-';
  const prefixes = ['', 'k', 'M', 'G', 'T'];
  let scaled = value;
  let prefix = 0;
  // Thresholds just under 1000 so that rounding never prints "1000" or "1000.0k".
  while (prefix < prefixes.length - 1 && Math.abs(scaled) >= (prefix === 0 ? 999.5 : 999.95)) {
    scaled /= 1000;
    prefix++;
  }
  if (prefix === 0) return scaled.toFixed(Math.abs(scaled) < 10 ? 1 : 0);
  return `${scaled.toFixed(1)}${prefixes[prefix]}`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
