/**
 * Terminal output over `envbench serve`'s WebSocket travels as binary frames, not JSON: JSON would
 * escape every control character (a CR LF becomes 4 characters, an ESC 6) and the page would parse
 * it all again. A frame is the tag byte, the terminal id's length (one byte) and its UTF-8 bytes,
 * then the output's UTF-8 bytes. Every other event stays a JSON text frame.
 */

import type { IpcEventMap } from './contract';

type TerminalData = IpcEventMap['terminal:data'];

/** The first byte of a terminal-data frame; other tags are reserved for later binary events. */
const TERMINAL_DATA_TAG = 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

export function encodeTerminalFrame({ id, data }: TerminalData): Uint8Array {
  const idBytes = encoder.encode(id);
  if (idBytes.length > 255) throw new RangeError(`a terminal id of ${idBytes.length} bytes does not fit a frame (255 at most)`);
  // Room for the worst case (3 bytes per UTF-16 unit), then cut to what encodeInto wrote.
  const frame = new Uint8Array(2 + idBytes.length + data.length * 3);
  frame[0] = TERMINAL_DATA_TAG;
  frame[1] = idBytes.length;
  frame.set(idBytes, 2);
  const { written } = encoder.encodeInto(data, frame.subarray(2 + idBytes.length));
  return frame.subarray(0, 2 + idBytes.length + written);
}

/** The terminal output a binary frame carries, or null for a frame that is not one. */
export function decodeTerminalFrame(buffer: ArrayBuffer | Uint8Array): TerminalData | null {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  if (bytes.length < 2 || bytes[0] !== TERMINAL_DATA_TAG) return null;
  const idEnd = 2 + bytes[1]!;
  if (bytes.length < idEnd) return null;
  return { id: decoder.decode(bytes.subarray(2, idEnd)), data: decoder.decode(bytes.subarray(idEnd)) };
}
