import type { Socket } from 'node:net';

/**
 * Watches the MQTT fixed headers going by on a connection and reports the first packet whose declared
 * length passes `limit`, before the parser has buffered its body: mqtt-packet would otherwise hold up to
 * 256 MB per packet. It listens to `data`, which a socket emits for every chunk aedes reads, so it adds
 * no reads of its own.
 */
export function watchPacketSizes(socket: Socket, limit: number, onOversized: (declared: number) => void): void {
  /** Bytes of the current packet still to skip; -1 while reading a fixed header. */
  let remaining = -1;
  let headerBytes = 0;
  let length = 0;
  let multiplier = 1;
  socket.on('data', (chunk: Buffer) => {
    let offset = 0;
    while (offset < chunk.length) {
      if (remaining > 0) {
        const skip = Math.min(remaining, chunk.length - offset);
        remaining -= skip;
        offset += skip;
        if (remaining === 0) remaining = -1;
        continue;
      }
      const byte = chunk[offset++] ?? 0;
      if (headerBytes++ === 0) continue; // packet type and flags
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if (byte & 0x80 && headerBytes < 5) continue;
      if (length > limit) {
        onOversized(length);
        return;
      }
      remaining = length === 0 ? -1 : length;
      headerBytes = 0;
      length = 0;
      multiplier = 1;
    }
  });
}
