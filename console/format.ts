// How times and sizes read in the console: UTC, so every viewer of a history sees the same times.

export function formatTime(unixMs: number): string {
  return new Date(unixMs).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatMs(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}
