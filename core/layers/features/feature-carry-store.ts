/**
 * The carried states of a feature-set version (silver/features/<name>/v<version>/carry.bin): after a
 * build whose last day is D, each instrument's running-kernel states (see core/features/engine/
 * plan-carry.ts), so the next build, of D's following day on, reads only the plan's depth of history
 * and still gives the whole-history values bit for bit. The file records the content hash it was made
 * with and a digest of gold up to D; a build whose first day does not follow D, or whose gold digest
 * differs, ignores it.
 *
 * Layout: uint32 header length, the JSON header (padded to 8 bytes), then per instrument and carried
 * node an int32 pair (absolute series start, state length; length 0: no state), then the float64 states.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { InstrumentCarry } from '../../features/qlib/qlib-carried-query.ts';
import type { NodeState } from '../../features/engine/plan-evaluator.ts';
import { writeFileAtomic } from '../../files/atomic-write.ts';

/** What a carry file holds. */
export interface FeatureCarry {
  contentHash: string;
  /** The build's last day and its calendar index. */
  lastDate: string;
  lastIndex: number;
  /** Digest of gold up to lastDate when the lake gave one. */
  goldDigest: string | null;
  /** Node count of the plan (a different plan shape is refused). */
  nodes: number;
  instruments: Map<string, InstrumentCarry>;
}

interface Header {
  format: 1;
  contentHash: string;
  lastDate: string;
  lastIndex: number;
  goldDigest: string | null;
  nodes: number;
  carriedNodes: number[];
  instruments: Array<{ name: string; windowHash: string }>;
}

/** Path of a version's carry file. */
export function carryFile(versionDir: string): string {
  return path.join(versionDir, 'carry.bin');
}

/** Folder of a version's checkpoints (carries kept at every CHECKPOINT_EVERY-th calendar row, for `features verify`). */
export function checkpointDir(versionDir: string): string {
  return path.join(versionDir, 'checkpoints');
}

/** The checkpoint holding the states after `date`. */
export function checkpointFile(dir: string, date: string): string {
  return path.join(dir, `${date}.bin`);
}

/** The dates of the checkpoints in `dir`, oldest first. */
export function checkpointDates(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.map((n) => /^(\d{4}-\d{2}-\d{2})\.bin$/.exec(n)?.[1]).filter((d): d is string => d !== undefined).sort();
}

/** Writes a carry file atomically; `carried` lists the plan's nodes that hold a state. */
export async function writeFeatureCarry(file: string, carry: FeatureCarry, carried: readonly number[], lakeRoot?: string): Promise<void> {
  const names = [...carry.instruments.keys()].sort();
  const header: Header = {
    format: 1, contentHash: carry.contentHash, lastDate: carry.lastDate, lastIndex: carry.lastIndex, goldDigest: carry.goldDigest,
    nodes: carry.nodes, carriedNodes: [...carried], instruments: names.map((name) => ({ name, windowHash: carry.instruments.get(name)!.windowHash })),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headLen = Math.ceil((4 + json.length) / 8) * 8;
  const index = new Int32Array(names.length * carried.length * 2);
  let floats = 0;
  names.forEach((name, i) => {
    const states = carry.instruments.get(name)!.states;
    carried.forEach((node, j) => {
      const s = states[node];
      index[(i * carried.length + j) * 2] = s ? s.absLo : 0;
      index[(i * carried.length + j) * 2 + 1] = s ? s.state.length : 0;
      floats += s ? s.state.length : 0;
    });
  });
  const indexBytes = Math.ceil(index.byteLength / 8) * 8;
  const buf = Buffer.alloc(headLen + indexBytes + floats * 8);
  buf.writeUInt32LE(json.length, 0);
  json.copy(buf, 4);
  Buffer.from(index.buffer).copy(buf, headLen);
  const body = new Float64Array(buf.buffer, buf.byteOffset + headLen + indexBytes, floats);
  let at = 0;
  for (const name of names) {
    const states = carry.instruments.get(name)!.states;
    for (const node of carried) {
      const s = states[node];
      if (s) {
        body.set(s.state, at);
        at += s.state.length;
      }
    }
  }
  await writeFileAtomic(file, buf, lakeRoot ? { lakeRoot } : {});
}

/** Reads a carry file; null when there is none. A damaged file is an error naming it. */
export function readFeatureCarry(file: string): FeatureCarry | null {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const jsonLen = buf.readUInt32LE(0);
    const header = JSON.parse(buf.subarray(4, 4 + jsonLen).toString('utf8')) as Header;
    if (header.format !== 1) throw new Error(`format ${String(header.format)} is not known`);
    const headLen = Math.ceil((4 + jsonLen) / 8) * 8;
    const k = header.carriedNodes.length;
    // one aligned copy of the file; each state is a view into it (no per-state allocation)
    const aligned = new Uint8Array(buf.byteLength);
    aligned.set(buf);
    const index = new Int32Array(aligned.buffer, headLen, header.instruments.length * k * 2);
    const indexBytes = Math.ceil(index.byteLength / 8) * 8;
    const body = new Float64Array(aligned.buffer, headLen + indexBytes);
    const instruments = new Map<string, InstrumentCarry>();
    let at = 0;
    header.instruments.forEach(({ name, windowHash }, i) => {
      const states: (NodeState | null)[] = new Array(header.nodes).fill(null);
      header.carriedNodes.forEach((node, j) => {
        const len = index[(i * k + j) * 2 + 1]!;
        if (len === 0) return;
        if (at + len > body.length) throw new Error('states run past the end of the file');
        states[node] = { absLo: index[(i * k + j) * 2]!, state: body.subarray(at, at + len) };
        at += len;
      });
      instruments.set(name, { lastIndex: header.lastIndex, states, windowHash });
    });
    if (at !== body.length) throw new Error(`${body.length - at} float64 values left over`);
    return { contentHash: header.contentHash, lastDate: header.lastDate, lastIndex: header.lastIndex, goldDigest: header.goldDigest, nodes: header.nodes, instruments };
  } catch (err) {
    throw new Error(`${file}: not a readable feature carry file (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
}
