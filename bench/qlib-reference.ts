/**
 * Where the benches find Qlib itself, to time it beside us: `QLIB_CHECKER` is the folder
 * `../shared/tools/qlib-reference` builds Qlib into (default: qlib-reference under the system's temp
 * folder), `QLIB_REFERENCE_TOOLS` that tools folder (default: beside this repository, as the workplace
 * lays it out). Absent, a bench prints Qlib's known figure instead.
 */
import os from 'node:os';
import path from 'node:path';

export const QLIB_CHECKER = process.env.QLIB_CHECKER ?? path.join(os.tmpdir(), 'qlib-reference');
export const QLIB_TOOLS = process.env.QLIB_REFERENCE_TOOLS ?? path.resolve(import.meta.dirname, '..', '..', 'shared', 'tools', 'qlib-reference');
