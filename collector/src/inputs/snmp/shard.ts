// Sharding targets over several collectors (`callboard run --shard K/N`, or `shard: K/N` in the
// config): each collector polls the targets whose stable hash falls in its shard, so N
// collectors given the same inventory poll every target exactly once, with no coordination.
// The hash is of the device name (the inventory's unique key), not the address, so that a device
// readdressed keeps its shard (and its rate state's home).

export interface Shard {
  /** 1-based, as written. */
  readonly index: number;
  readonly count: number;
}

export class ShardError extends Error {}

/** "K/N" with 1 ≤ K ≤ N. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new ShardError(`shard: expected K/N with 1 <= K <= N (e.g. 2/8), got "${text}"`);
  return { index, count };
}

/** FNV-1a over the UTF-16 code units, then a final avalanche (fmix32) so consecutive names spread evenly. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Whether this collector's shard polls the device; everything when unsharded. */
export function inShard(device: string, shard: Shard | undefined): boolean {
  return shard === undefined || shard.count === 1 || stableHash(device) % shard.count === shard.index - 1;
}
