// The durable write queue: line-protocol points in append-only segment files in the state dir,
// replayed in order after an InfluxDB outage or a collector crash. README.md "Durable spool"
// has the format, the fsync policy and what a power loss can cost.
//
// Record: u32le payload length, u32le CRC-32 of the payload, payload = "<points> <pushedAtMs>\n"
// + JSON array of the lines. A record is one push (normally one poll or one CDR batch).
import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../lib/log.js';
import { crc32 } from './crc32.js';
import type { PointBuffer } from './queue.js';

const HEADER_BYTES = 8;
const SEGMENT = /^seg-([0-9a-f]{16})\.log$/;
const CURSOR_FILE = 'cursor';
const CURSOR_BYTES = 64;
/**
 * Records appended while less than this is cached keep their lines in memory too, so the write
 * loop need not read them back; beyond it (a long outage) they are read from the segment files.
 */
const CACHE_BYTES = 32 * 1024 ** 2;
/** After a write error (ENOSPC, EIO, a file size limit) the disk is tried again this often. */
const DISK_RETRY_MS = 5000;

export interface SpoolOptions {
  dir: string;
  /** Bound of the segment files together; beyond it points wait in memory (maxMemoryPoints). */
  maxBytes: number;
  segmentBytes: number;
  /** Appends reach the disk with fdatasync at most this long after they were made (and at once for whenDurable()). */
  fsyncIntervalMs: number;
  /** Points held in memory while the disk cannot take them; beyond this the oldest are dropped. */
  maxMemoryPoints: number;
  log: Logger;
  events?: SpoolEvents;
  now?: () => number;
}

export interface SpoolEvents {
  /** Records found damaged when the spool was opened (a torn last write, or corruption), and skipped. */
  damaged?(records: number, points: number | undefined): void;
  /** Points dropped because neither the disk nor memory could hold them; every one had a sequence number below `below`. */
  dropped?(points: number, below: number): void;
  /** Points acked while the spool was replaying a backlog (after an outage or a restart). */
  replayed?(points: number): void;
}

interface Segment {
  id: number;
  path: string;
  size: number;
}

interface DiskRecord {
  segment: Segment;
  offset: number;
  bytes: number;
  count: number;
  at: number;
  firstSeq: number;
  /** The lines, while the record is cached (see CACHE_BYTES). */
  lines?: readonly string[];
}

interface MemoryRecord {
  lines: readonly string[];
  at: number;
  firstSeq: number;
}

export class SpoolError extends Error {
  readonly code = 'CALLBOARD_INFLUX_SPOOL';
}

const segmentName = (id: number): string => `seg-${id.toString(16).padStart(16, '0')}.log`;

/** What the last peek() returned, so ack() knows where it came from. */
type Peeked = { from: 'disk' | 'memory'; count: number; records: number } | undefined;

export class DiskSpool implements PointBuffer<string> {
  readonly #o: Required<Omit<SpoolOptions, 'events'>> & { events: SpoolEvents };
  readonly #segments: Segment[] = [];
  /** Pending records on disk, oldest first; #disk[#diskHead] is the head. */
  #disk: DiskRecord[] = [];
  #diskHead = 0;
  /** Lines of the head record already acked (a record bigger than a batch is written in parts). */
  #skip = 0;
  /** Newer than everything on disk: points the disk could not take (full, or a write error). */
  #memory: MemoryRecord[] = [];
  #memorySkip = 0;
  #peeked: Peeked;
  #tailSeq = 0;
  #syncedSeq = 0;
  #diskBytes = 0;
  #cachedBytes = 0;
  /** Points not yet acked, on disk and in memory. */
  #diskPending = 0;
  #memoryPending = 0;
  #writeFd: number | undefined;
  #cursorFd: number;
  #syncTimer: NodeJS.Timeout | undefined;
  #diskErrorUntil = 0;
  #diskError: string | undefined;
  #replaying = false;
  /** Segment ids only grow (the cursor names one; a reused id could look acked). */
  #nextId = 1;
  #closed = false;
  /** The last record parsed by peek(), by segment id and offset: a big record is peeked in parts. */
  #parsed?: { segment: number; offset: number; lines: string[] };
  readonly #readFds = new Map<number, number>();

  constructor(options: SpoolOptions) {
    // Acked records stay on disk until their segment is left behind: keep that a small part of the bound.
    this.#o = {
      now: Date.now,
      events: {},
      ...options,
      segmentBytes: Math.max(1024, Math.min(options.segmentBytes, Math.floor(options.maxBytes / 4))),
    };
    mkdirSync(options.dir, { recursive: true });
    const cursor = join(options.dir, CURSOR_FILE);
    closeSync(openSync(cursor, 'a')); // create it if missing; then r+, as O_APPEND would ignore the position of each rewrite
    this.#cursorFd = openSync(cursor, 'r+');
    this.#open();
  }

  get size(): number {
    return this.#diskPending + this.#memoryPending;
  }

  get tailSeq(): number {
    return this.#tailSeq;
  }

  get headSeq(): number {
    if (this.#diskHead < this.#disk.length) return this.#disk[this.#diskHead]!.firstSeq + this.#skip;
    if (this.#memory.length > 0) return this.#memory[0]!.firstSeq + this.#memorySkip;
    return this.#tailSeq;
  }

  get durableSeq(): number {
    const memoryFrom = this.#memory.length > 0 ? this.#memory[0]!.firstSeq + this.#memorySkip : Infinity;
    return Math.max(this.headSeq, Math.min(this.#syncedSeq, memoryFrom, this.#tailSeq));
  }

  /** Bytes of the segment files (what the disk holds, including acked records of the first segment). */
  get diskBytes(): number {
    return this.#diskBytes;
  }

  get maxBytes(): number {
    return this.#o.maxBytes;
  }

  /** Points that are only in memory: the disk was full or failed. */
  get memoryPoints(): number {
    return this.#memoryPending;
  }

  /** Why the disk refuses writes, while it does. */
  get diskError(): string | undefined {
    return this.#diskError;
  }

  oldestPushedAt(): number | undefined {
    if (this.#diskHead < this.#disk.length) return this.#disk[this.#diskHead]!.at;
    return this.#memory[0]?.at;
  }

  /** Later writes are counted as replayed until the spool is empty again (the sink calls this when a write fails). */
  markBacklog(): void {
    if (this.size > 0) this.#replaying = true;
  }

  push(lines: readonly string[], now: number): number {
    if (lines.length === 0) return 0;
    const record: MemoryRecord = { lines, at: now, firstSeq: this.#tailSeq };
    this.#tailSeq += lines.length;
    // Order: once points wait in memory, newer ones queue behind them.
    if (this.#memory.length === 0 && this.#append(record)) return 0;
    this.#memory.push(record);
    this.#memoryPending += lines.length;
    this.#moveMemoryToDisk();
    return this.#trimMemory();
  }

  peek(max: number): string[] {
    this.#peeked = undefined;
    if (this.#diskHead < this.#disk.length) {
      const out: string[] = [];
      let skip = this.#skip;
      for (let i = this.#diskHead; i < this.#disk.length && out.length < max; i++) {
        const lines = this.#read(this.#disk[i]!);
        const take = Math.min(max - out.length, lines.length - skip);
        for (let j = 0; j < take; j++) out.push(lines[skip + j]!);
        skip = 0;
      }
      this.#peeked = { from: 'disk', count: out.length, records: 0 };
      return out;
    }
    const out: string[] = [];
    let skip = this.#memorySkip;
    let records = 0;
    for (const record of this.#memory) {
      if (out.length >= max) break;
      const take = Math.min(max - out.length, record.lines.length - skip);
      for (let j = 0; j < take; j++) out.push(record.lines[skip + j]!);
      skip = 0;
      records++;
    }
    this.#peeked = out.length > 0 ? { from: 'memory', count: out.length, records } : undefined;
    return out;
  }

  ack(count: number): void {
    const from = this.#peeked?.from;
    this.#peeked = undefined;
    if (this.#replaying) this.#o.events.replayed?.(count);
    if (from === 'disk') this.#ackDisk(count);
    else if (from === 'memory') this.#ackMemory(count);
    if (this.size === 0) this.#replaying = false;
    this.#moveMemoryToDisk();
  }

  /** fdatasync now if anything appended is not on disk yet. */
  sync(): void {
    clearTimeout(this.#syncTimer);
    this.#syncTimer = undefined;
    if (this.#writeFd === undefined || this.#syncedSeq === this.#tailSeq) return;
    const target = this.#diskTailSeq();
    // All of it is in InfluxDB already (which fsyncs its own WAL): no need to make the disk wait.
    if (this.headSeq >= target) {
      this.#syncedSeq = target;
      return;
    }
    try {
      fdatasyncSync(this.#writeFd);
      this.#syncedSeq = target;
    } catch (error) {
      this.#failDisk(error as Error, 'fdatasync');
    }
  }

  /** Syncs, stops the timer and closes the files; the spool keeps what was not acked for the next start. */
  close(): void {
    if (this.#closed) return;
    this.sync();
    this.#closed = true;
    for (const fd of this.#readFds.values()) closeSync(fd);
    this.#readFds.clear();
    if (this.#writeFd !== undefined) closeSync(this.#writeFd);
    this.#writeFd = undefined;
    closeSync(this.#cursorFd);
  }

  /** Seq after the last point on disk. */
  #diskTailSeq(): number {
    const last = this.#disk.at(-1);
    return last && this.#disk.length > this.#diskHead ? last.firstSeq + last.count : (this.#memory[0]?.firstSeq ?? this.#tailSeq);
  }

  /** Writes one record to the active segment; false if the disk cannot take it (full, or an error). */
  #append(record: MemoryRecord): boolean {
    if (this.#closed) return false;
    const now = this.#o.now();
    if (this.#diskError !== undefined && now < this.#diskErrorUntil) return false;
    const payload = `${record.lines.length} ${record.at}\n${JSON.stringify(record.lines)}`;
    const bytes = HEADER_BYTES + Buffer.byteLength(payload);
    if (this.#diskBytes + bytes > this.#o.maxBytes) return false;
    const buffer = Buffer.allocUnsafe(bytes);
    buffer.write(payload, HEADER_BYTES);
    buffer.writeUInt32LE(bytes - HEADER_BYTES, 0);
    buffer.writeUInt32LE(crc32(buffer, HEADER_BYTES), 4);
    let segment = this.#segments.at(-1);
    try {
      if (!segment || this.#writeFd === undefined || segment.size >= this.#o.segmentBytes) segment = this.#roll();
      let written = 0;
      try {
        while (written < bytes) written += writeSync(this.#writeFd!, buffer, written, bytes - written, segment.size + written);
      } catch (error) {
        // A partial record would end the segment for the reader: cut it off again.
        if (written > 0) ftruncateSync(this.#writeFd!, segment.size);
        throw error;
      }
    } catch (error) {
      this.#failDisk(error as Error, 'write');
      return false;
    }
    if (this.#diskError !== undefined) {
      this.#o.log.info({ dir: this.#o.dir }, 'InfluxDB spool: the disk takes writes again');
      this.#diskError = undefined;
    }
    if (this.#diskHead === this.#disk.length) {
      // Nothing pending on disk: restart the list (keeps it from growing).
      this.#cachedBytes = 0;
      this.#disk = [];
      this.#diskHead = 0;
      this.#skip = 0;
    }
    const cache = this.#cachedBytes + bytes <= CACHE_BYTES;
    if (cache) this.#cachedBytes += bytes;
    this.#disk.push({
      segment,
      offset: segment.size,
      bytes,
      count: record.lines.length,
      at: record.at,
      firstSeq: record.firstSeq,
      ...(cache ? { lines: record.lines } : {}),
    });
    segment.size += bytes;
    this.#diskBytes += bytes;
    this.#diskPending += record.lines.length;
    this.#syncTimer ??= setTimeout(() => this.sync(), this.#o.fsyncIntervalMs).unref();
    return true;
  }

  #failDisk(error: Error, what: string): void {
    const message = `${(error as NodeJS.ErrnoException).code ?? 'error'}: ${error.message}`;
    if (this.#diskError === undefined) {
      this.#o.log.error(
        { code: 'CALLBOARD_INFLUX_SPOOL_DISK', dir: this.#o.dir, err: message, op: what },
        'InfluxDB spool: the disk refused a write; points wait in memory (bounded) and the disk is retried every 5 s',
      );
    }
    this.#diskError = message;
    this.#diskErrorUntil = this.#o.now() + DISK_RETRY_MS;
    // The next append starts a new segment: whatever state the failed one is in, it ends there.
    if (this.#writeFd !== undefined) {
      try {
        closeSync(this.#writeFd);
      } catch {
        // already reported
      }
      this.#writeFd = undefined;
    }
  }

  /** Starts a new segment (fsyncing the one before: its points count as durable from then). */
  #roll(): Segment {
    if (this.#writeFd !== undefined) {
      this.sync();
      closeSync(this.#writeFd);
      this.#writeFd = undefined;
    }
    const id = this.#nextId++;
    const segment: Segment = { id, path: join(this.#o.dir, segmentName(id)), size: 0 };
    this.#writeFd = openSync(segment.path, 'a');
    segment.size = fstatSync(this.#writeFd).size;
    this.#syncDir();
    this.#segments.push(segment);
    return segment;
  }

  #syncDir(): void {
    const fd = openSync(this.#o.dir, 'r');
    try {
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  #moveMemoryToDisk(): void {
    // A batch being written from memory stays there until it is acked.
    while (this.#memory.length > 0 && this.#peeked?.from !== 'memory') {
      const first = this.#memory[0]!;
      const rest =
        this.#memorySkip > 0
          ? { ...first, lines: first.lines.slice(this.#memorySkip), firstSeq: first.firstSeq + this.#memorySkip }
          : first;
      if (!this.#append(rest)) return;
      this.#memoryPending -= rest.lines.length;
      this.#memory.shift();
      this.#memorySkip = 0;
    }
  }

  /** Drops the oldest records in memory beyond maxMemoryPoints (not a batch being written); returns the points dropped. */
  #trimMemory(): number {
    let excess = this.#memoryPending - this.#o.maxMemoryPoints;
    let dropped = 0;
    let below = 0;
    // The records of a batch being written from memory stay.
    const keep = this.#peeked?.from === 'memory' ? this.#peeked.records : 0;
    while (excess > 0 && this.#memory.length > keep) {
      const [record] = this.#memory.splice(keep, 1);
      const n = record!.lines.length - (keep === 0 ? this.#memorySkip : 0);
      if (keep === 0) this.#memorySkip = 0;
      dropped += n;
      excess -= n;
      below = Math.max(below, record!.firstSeq + record!.lines.length);
    }
    this.#memoryPending -= dropped;
    if (dropped > 0) this.#o.events.dropped?.(dropped, below);
    return dropped;
  }

  #ackDisk(count: number): void {
    let left = count;
    while (left > 0 && this.#diskHead < this.#disk.length) {
      const head = this.#disk[this.#diskHead]!;
      const rest = head.count - this.#skip;
      if (left < rest) {
        this.#skip += left;
        left = 0;
        break;
      }
      left -= rest;
      this.#skip = 0;
      if (head.lines) this.#cachedBytes -= head.bytes;
      head.lines = undefined;
      this.#diskHead++;
    }
    this.#diskPending -= count - left;
    // Compact now and then: under steady load the list may never run empty.
    if (this.#diskHead >= 1024 && this.#diskHead * 2 >= this.#disk.length) {
      this.#disk = this.#disk.slice(this.#diskHead);
      this.#diskHead = 0;
    }
    const head = this.#disk[this.#diskHead];
    // Segments before the head's are done; with nothing pending, all but the one being appended to.
    const active = this.#writeFd !== undefined ? this.#segments.at(-1) : undefined;
    const keepFrom = head ? head.segment.id : (active?.id ?? Infinity);
    while (this.#segments.length > 0 && this.#segments[0]!.id < keepFrom) this.#removeSegment(this.#segments.shift()!);
    this.#writeCursor(
      head
        ? { segment: head.segment.id, offset: head.offset, skip: this.#skip }
        : { segment: active?.id ?? this.#nextId, offset: active?.size ?? 0, skip: 0 },
    );
  }

  #ackMemory(count: number): void {
    let left = count;
    while (left > 0 && this.#memory.length > 0) {
      const rest = this.#memory[0]!.lines.length - this.#memorySkip;
      if (left < rest) {
        this.#memorySkip += left;
        left = 0;
        break;
      }
      left -= rest;
      this.#memory.shift();
      this.#memorySkip = 0;
    }
    this.#memoryPending -= count - left;
  }

  #removeSegment(segment: Segment): void {
    const fd = this.#readFds.get(segment.id);
    if (fd !== undefined) closeSync(fd);
    this.#readFds.delete(segment.id);
    try {
      unlinkSync(segment.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    this.#diskBytes -= segment.size;
  }

  /** Small fixed-size file, rewritten in place without fsync: after a power loss it may lag, and the records after it are sent again (harmless: see README). */
  #writeCursor(c: { segment: number; offset: number; skip: number }): void {
    const text = `${c.segment} ${c.offset} ${c.skip}`;
    const line = `${text} ${crc32(Buffer.from(text))}`.padEnd(CURSOR_BYTES - 1, ' ') + '\n';
    try {
      writeSync(this.#cursorFd, line, 0);
    } catch (error) {
      this.#failDisk(error as Error, 'cursor');
    }
  }

  #readCursor(): { segment: number; offset: number; skip: number } | undefined {
    const text = readFileSync(join(this.#o.dir, CURSOR_FILE), 'utf8');
    const m = /^(\d+) (\d+) (\d+) (\d+) *\n/.exec(text);
    if (!m || crc32(Buffer.from(`${m[1]} ${m[2]} ${m[3]}`)) !== Number(m[4])) return undefined;
    return { segment: Number(m[1]), offset: Number(m[2]), skip: Number(m[3]) };
  }

  #read(record: DiskRecord): readonly string[] {
    if (record.lines) return record.lines;
    const cached = this.#parsed;
    if (cached && cached.segment === record.segment.id && cached.offset === record.offset) return cached.lines;
    let fd = this.#readFds.get(record.segment.id);
    if (fd === undefined) this.#readFds.set(record.segment.id, (fd = openSync(record.segment.path, 'r')));
    const buffer = Buffer.allocUnsafe(record.bytes);
    let got = 0;
    while (got < record.bytes) {
      const n = readSync(fd, buffer, got, record.bytes - got, record.offset + got);
      if (n === 0) throw new SpoolError(`spool segment ${record.segment.path} ends inside a record at ${record.offset}`);
      got += n;
    }
    const lines = parsePayload(buffer.subarray(HEADER_BYTES)).lines;
    this.#parsed = { segment: record.segment.id, offset: record.offset, lines };
    return lines;
  }

  /** Finds the segments, checks every pending record, cuts off a torn last record, and starts after the cursor. */
  #open(): void {
    const ids = readdirSync(this.#o.dir)
      .map((name) => SEGMENT.exec(name))
      .filter((m): m is RegExpExecArray => m !== null && statSync(join(this.#o.dir, m[0])).isFile())
      .map((m) => parseInt(m[1]!, 16))
      .sort((a, b) => a - b);
    const cursor = this.#readCursor();
    let damagedRecords = 0;
    let damagedPoints: number | undefined = 0;
    for (const [i, id] of ids.entries()) {
      const segment: Segment = { id, path: join(this.#o.dir, segmentName(id)), size: 0 };
      if (cursor && id < cursor.segment) {
        unlinkSync(segment.path); // acked; the crash came before it was removed
        continue;
      }
      const bytes = readFileSync(segment.path);
      const last = i === ids.length - 1;
      let offset = 0;
      while (offset < bytes.length) {
        const record = checkRecord(bytes, offset);
        if (!record) break;
        if (!cursor || id > cursor.segment || offset >= cursor.offset) {
          this.#disk.push({ segment, offset, bytes: record.bytes, count: record.count, at: record.at, firstSeq: this.#tailSeq });
          this.#tailSeq += record.count;
          this.#diskPending += record.count;
        }
        offset += record.bytes;
      }
      if (offset < bytes.length) {
        damagedRecords++;
        const torn = offset + HEADER_BYTES <= bytes.length ? peekCount(bytes, offset) : undefined;
        damagedPoints = damagedPoints !== undefined && torn !== undefined ? damagedPoints + torn : undefined;
        this.#o.log.error(
          { code: 'CALLBOARD_INFLUX_SPOOL_DAMAGED', segment: segment.path, offset, bytes: bytes.length - offset, lastSegment: last },
          last
            ? 'InfluxDB spool: the last record is torn (the collector died while writing it); it is skipped and cut off'
            : 'InfluxDB spool: a damaged record; the rest of this segment is skipped',
        );
        if (last) {
          const fd = openSync(segment.path, 'r+');
          ftruncateSync(fd, offset);
          fdatasyncSync(fd);
          closeSync(fd);
        }
      }
      segment.size = last ? offset : bytes.length;
      this.#segments.push(segment);
      this.#diskBytes += segment.size;
    }
    if (cursor && this.#disk[0] && this.#disk[0].segment.id === cursor.segment && this.#disk[0].offset === cursor.offset) {
      this.#skip = Math.min(cursor.skip, this.#disk[0].count - 1);
      this.#diskPending -= this.#skip;
    }
    this.#nextId = Math.max(ids.at(-1) ?? 0, cursor?.segment ?? 0) + 1;
    this.#syncedSeq = this.#tailSeq;
    if (damagedRecords > 0) this.#o.events.damaged?.(damagedRecords, damagedPoints);
    // Appends go to a new segment: the reader never meets a record after a cut-off one.
    if (this.size > 0) {
      this.#replaying = true;
      this.#o.log.info(
        { dir: this.#o.dir, points: this.size, bytes: this.#diskBytes, segments: this.#segments.length },
        'InfluxDB spool: replaying points left from the last run',
      );
    }
  }
}

function parsePayload(payload: Buffer): { count: number; at: number; lines: string[] } {
  const nl = payload.indexOf(10);
  const [count, at] = payload.toString('latin1', 0, nl).split(' ').map(Number) as [number, number];
  return { count, at, lines: JSON.parse(payload.toString('utf8', nl + 1)) as string[] };
}

/** The record at `offset` if it is whole and its checksum matches. */
function checkRecord(bytes: Buffer, offset: number): { bytes: number; count: number; at: number } | undefined {
  if (offset + HEADER_BYTES > bytes.length) return undefined;
  const length = bytes.readUInt32LE(offset);
  const end = offset + HEADER_BYTES + length;
  if (length === 0 || end > bytes.length) return undefined;
  if (crc32(bytes, offset + HEADER_BYTES, end) !== bytes.readUInt32LE(offset + 4)) return undefined;
  const nl = bytes.indexOf(10, offset + HEADER_BYTES);
  if (nl < 0 || nl >= end) return undefined;
  const [count, at] = bytes
    .toString('latin1', offset + HEADER_BYTES, nl)
    .split(' ')
    .map(Number) as [number, number];
  if (!Number.isInteger(count) || count <= 0 || !Number.isFinite(at)) return undefined;
  return { bytes: end - offset, count, at };
}

/** The point count a torn record announced, if its first line made it to disk. */
function peekCount(bytes: Buffer, offset: number): number | undefined {
  const start = offset + HEADER_BYTES;
  const nl = bytes.indexOf(10, start);
  if (nl < 0 || nl - start > 40) return undefined;
  const count = Number(bytes.toString('latin1', start, nl).split(' ')[0]);
  return Number.isInteger(count) && count > 0 ? count : undefined;
}
